export * from './client';
export * from './counter';
export * from './outbox';
export * from './presence';
export * from './files';
export * from './stats';
export * from './notifications';
