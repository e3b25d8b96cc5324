import type { FilesErrorCode } from '@tandem/contracts';

/** An error of the files API: its code names the kind, its message says what to do next. */
export class FilesError extends Error {
  constructor(
    readonly code: FilesErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FilesError';
  }

  /** The HTTP status the code is answered with. */
  get status(): number {
    switch (this.code) {
      case 'INVALID_REQUEST':
        return 400;
      case 'FORBIDDEN':
        return 403;
      case 'NOT_FOUND':
        return 404;
      case 'CONFLICT':
      case 'UPLOAD_INCOMPLETE':
        return 409;
      case 'TOO_LARGE':
        return 413;
      case 'TYPE_NOT_ALLOWED':
        return 415;
      case 'SIZE_MISMATCH':
        return 422;
      case 'QUOTA_EXCEEDED':
        return 507;
      case 'UNAVAILABLE':
        return 503;
    }
  }
}
