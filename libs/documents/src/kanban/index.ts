export * from './kanban.ops';
export * from './kanban.view';
