/** Codes of {@link ChatError}: the `code` of a `tandem.chat.command.rejected` event or of a refused read. */
export type ChatErrorCode = 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID_MESSAGE' | 'LIMIT_EXCEEDED';

/** A command or read the chat service refuses; `message` says what to do instead. Nothing was changed. */
export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

export const forbidden = (message: string) => new ChatError('FORBIDDEN', message);
export const notFound = (message: string) => new ChatError('NOT_FOUND', message);
export const invalid = (message: string) => new ChatError('INVALID_MESSAGE', message);
