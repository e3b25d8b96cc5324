import { requireEnv, uniqueId } from '@tandem/platform/testing';
import { randomBytes } from 'node:crypto';
import { RunningProcess, startProcess } from './processes';

/** A chat service and a gateway on the real Kafka and MongoDB-compatible store of the environment. */
export interface ChatPlatform {
  gateway: RunningProcess;
  /** Signs the tokens the gateway accepts. */
  jwtSecret: string;
}

/**
 * Starts a chat service, on a database of its own named after `database` (FerretDB scans a
 * collection for every range query: others' data would slow the run), and a gateway in front of
 * it. Stop them with `stopAll()` from ./processes.
 */
export async function startChatPlatform(database: string): Promise<ChatPlatform> {
  const jwtSecret = randomBytes(32).toString('hex');
  const env = { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex') };
  const mongoUrl = new URL(env.MONGO_URL);
  mongoUrl.pathname = `/${uniqueId(database)}`;
  const chat = await startProcess('chat', 'services/chat/src/main.ts', { ...env, MONGO_URL: mongoUrl.toString() }, 120_000);
  const gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, CHAT_URL: chat.url, DOCS_URL: 'http://127.0.0.1:9' }, 120_000);
  return { gateway, jwtSecret };
}
