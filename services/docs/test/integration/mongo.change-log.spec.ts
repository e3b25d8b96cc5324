import { mongoStoreSetup } from '@tandem/platform/testing';
import { runChangeLogContract } from '../../src/documents/store/change-log.contract';
import { MongoChangeLogStore } from '../../src/documents/store/mongo.change-log';

runChangeLogContract('MongoDB-compatible server', () => mongoStoreSetup('tandem_doclog_test_', (connection) => new MongoChangeLogStore(connection)));
