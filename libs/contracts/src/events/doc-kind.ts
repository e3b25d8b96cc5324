import { z } from 'zod';

/** The kinds of collaborative document (see @tandem/documents). */
export const DocKindSchema = z.enum(['counter', 'richtext', 'whiteboard', 'kanban']);
export type DocKindName = z.infer<typeof DocKindSchema>;
