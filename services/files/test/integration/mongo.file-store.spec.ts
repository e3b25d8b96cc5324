import { mongoStoreSetup } from '@tandem/platform/testing';
import { runFileStoreContract } from '../../src/store/file-store.contract';
import { MongoFileStore } from '../../src/store/mongo.file-store';

runFileStoreContract('MongoDB-compatible server', () => mongoStoreSetup('tandem_files_test_', (connection) => new MongoFileStore(connection)));
