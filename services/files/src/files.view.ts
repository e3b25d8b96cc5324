import type { FileView } from '@tandem/contracts';
import type { StoredFile } from './store/file-store.port';

/** The public view of a stored file. */
export function viewOf(file: StoredFile): FileView {
  return {
    fileId: file.fileId,
    target: file.target,
    name: file.name,
    declaredType: file.declaredType,
    type: file.type,
    size: file.size,
    status: file.status,
    createdBy: file.createdBy,
    createdAt: file.createdAt.toISOString(),
    preview: file.preview,
  };
}
