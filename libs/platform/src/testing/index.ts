export * from './eventually';
export * from './factories';
export * from '../bus/event-bus.contract';
export * from '../object-store/object-store.contract';
export * from '../presence-store/presence-store.contract';
export * from '../leaderboard-rank/leaderboard-rank.contract';
export * from './metrics-catalogue';
export * from './mongo-store-setup';
