export * from './counter.ops';
