export * from './topics';
export * from './errors';
export * from './ids';
export * from './envelope';
export * from './events/catalog';
export * from './events/docs.events';
export * from './protocol/messages';
export * from './asyncapi';
