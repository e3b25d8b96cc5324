/** Codes of {@link ContractError}. */
export type ContractErrorCode = 'INVALID_EVENT' | 'UNKNOWN_EVENT_TYPE' | 'INVALID_ENVELOPE' | 'INVALID_MESSAGE';

/** A record or message that does not match its contract. `details` says which field and why. */
export class ContractError extends Error {
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ContractError';
  }
}
