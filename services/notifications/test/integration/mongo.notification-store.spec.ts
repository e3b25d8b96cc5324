import { mongoStoreSetup } from '@tandem/platform/testing';
import { runNotificationStoreContract } from '../../src/store/notification-store.contract';
import { MongoNotificationStore } from '../../src/store/mongo.notification-store';

runNotificationStoreContract('MongoDB-compatible server', () => mongoStoreSetup('tandem_notifications_test_', (connection) => new MongoNotificationStore(connection)));
