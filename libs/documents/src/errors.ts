/** What went wrong, for callers that handle document errors by code (exhaustive switch). */
export type DocumentErrorCode =
  /** The document's `kind` is not one of {@link DocKind}. */
  | 'unknown-kind'
  /** The document was written by a newer Tandem (its `schema` is above what this code knows). */
  | 'schema-too-new'
  /** The document has no usable `kind`/`schema` root fields. */
  | 'schema-invalid'
  /** An operation named a shape, stroke, card or column that is not (or no longer) in the document. */
  | 'not-found'
  /** An argument is out of range or malformed. */
  | 'invalid-argument'
  /** The caller tried to use the actor id reserved for the deterministic initial change. */
  | 'reserved-actor';

/** The one error type of @tandem/documents. The message says what to do next. */
export class DocumentError extends Error {
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

export function isDocumentError(e: unknown, code?: DocumentErrorCode): e is DocumentError {
  return e instanceof DocumentError && (code === undefined || e.code === code);
}
