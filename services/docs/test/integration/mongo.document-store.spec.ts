import { mongoStoreSetup } from '@tandem/platform/testing';
import { runDocumentStoreContract } from '../../src/store/document-store.contract';
import { MongoDocumentStore } from '../../src/store/mongo.document-store';

runDocumentStoreContract('MongoDB-compatible server', () => mongoStoreSetup('tandem_docs_test_', (connection) => new MongoDocumentStore(connection)));
