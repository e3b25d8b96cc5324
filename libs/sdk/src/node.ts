/**
 * Node-only parts of the SDK (they use the file system): import from `@tandem/sdk/node`, never in a
 * browser bundle.
 */
export * from './documents/file.doc-storage';
