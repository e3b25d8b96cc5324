import mongoose, { Connection } from 'mongoose';

/**
 * Opens a mongoose connection for one service's database. The code keeps to what FerretDB 1.24 also
 * supports: no transactions, change streams, `$lookup`/`$facet`, TTL or partial indexes; idempotence
 * comes from unique indexes and upserts.
 */
export async function connectMongo(url: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 10_000, autoIndex: true });
  await connection.asPromise();
  return connection;
}

/** True for a MongoDB duplicate-key error (code 11000), the signal that an idempotent insert already happened. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}
