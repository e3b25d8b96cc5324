import { MinioObjectStore } from '../../src/object-store/minio.object-store';
import { runObjectStoreContract } from '../../src/object-store/object-store.contract';
import { requireEnv } from '../../src/testing/eventually';

runObjectStoreContract('MinIO', async () => ({
  store: new MinioObjectStore({
    endpoint: requireEnv('S3_ENDPOINT'),
    accessKey: requireEnv('S3_ACCESS_KEY'),
    secretKey: requireEnv('S3_SECRET_KEY'),
    region: process.env.S3_REGION ?? 'us-east-1',
    bucket: 'tandem-contract-tests',
  }),
  teardown: async () => undefined,
}));
