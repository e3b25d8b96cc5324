export * from './whiteboard.ops';
