import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1));

const url = (protocols: string[]) =>
  z.url().refine((u) => protocols.some((p) => u.startsWith(`${p}://`)), `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`);

/** Every setting a Tandem process reads from its environment. Unset adapters mean the embedded default. */
export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    KAFKA_BROKERS: csv.optional(),
    KAFKA_CLIENT_ID: z.string().default('tandem'),
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
    /**
     * How long a consumer may go without a heartbeat before Kafka hands its partitions to another
     * member. Longer rides out event-loop stalls of a saturated process (a gateway starved of CPU
     * was evicted again and again at 10 s and stopped delivering announcements); shorter moves the
     * partitions of a crashed process sooner. Kafka's default is 45 s.
     */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    /**
     * Runs the process's Kafka client (producer, consumers, heartbeats) on a worker thread of its own
     * (`true`, the default) so a saturated event loop does not leave Kafka's answers unread: a gateway
     * busy writing to a thousand sockets stopped publishing for 45 s and missed its heartbeats with the
     * client on its main thread. `false` keeps it on the main thread.
     */
    KAFKA_CLIENT_THREAD: z.enum(['true', 'false'], { error: 'KAFKA_CLIENT_THREAD must be true or false' }).default('true').transform((v) => v === 'true'),
    MONGO_URL: url(['mongodb', 'mongodb+srv']).optional(),
    REDIS_URL: url(['redis', 'rediss']).optional(),
    S3_ENDPOINT: url(['http', 'https']).optional(),
    S3_ACCESS_KEY: z.string().optional(),
    S3_SECRET_KEY: z.string().optional(),
    S3_BUCKET: z.string().default('tandem'),
    S3_REGION: z.string().default('us-east-1'),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    JWKS_URL: url(['http', 'https']).optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    DOCS_URL: url(['http', 'https']).optional(),
    /** Estimated memory the docs service may hold merged documents in; least recently used are evicted beyond it. */
    DOCS_MEMORY_CAP_MB: z.coerce.number().min(1).default(512),
    /** A document untouched this long is evicted from the docs service's memory. */
    DOCS_IDLE_SECONDS: z.coerce.number().min(1).default(300),
    /**
     * The docs service fetches a partition's change commands at most once per this interval (unless
     * a megabyte waits), so a busy document is merged, stored and announced (`doc.merged`, to every
     * socket of the room) once per interval instead of once per command. Peers see edits by the
     * gateway's relay, not by the merge; only the sender's durability notice waits. 0: at once.
     */
    DOCS_MERGE_INTERVAL_MS: z.coerce.number().int().min(0).max(1000).default(50),
    /** Snapshots larger than this go to the object store instead of the database. */
    DOCS_SNAPSHOT_INLINE_MAX_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
    /** Base URL of the presence service's reads (gateway → presence). */
    PRESENCE_URL: url(['http', 'https']).optional(),
    /** Base URL of the chat service's reads (gateway → chat). */
    CHAT_URL: url(['http', 'https']).optional(),
    /** Base URL of the stats service's reads (gateway → stats). */
    STATS_URL: url(['http', 'https']).optional(),
    /** Base URL of the notifications service's reads (gateway → notifications). */
    NOTIFICATIONS_URL: url(['http', 'https']).optional(),
    /** Most members a group DM may have (the sender included). */
    CHAT_MAX_DM_SIZE: z.coerce.number().int().min(2).max(50).default(8),
    /** The URL browsers reach this process at (links such as presigned URLs of the embedded object store). */
    PUBLIC_URL: url(['http', 'https']).optional(),
    /** Signs share-link tokens (HS256); defaults to JWT_SECRET. Required with JWKS_URL if links are used. */
    LINK_SECRET: z.string().min(32, 'LINK_SECRET must be at least 32 characters').optional(),
    /** If set, only tokens of these tenants are accepted (comma-separated). */
    ALLOWED_TENANTS: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .optional(),
    /**
     * Share of socket sessions whose every message the gateway logs (0–1, per session so a sampled
     * session can be replayed whole with scripts/replay.ts); refused or failed messages of other sessions are logged up to MESSAGE_LOG_FAILURES_PER_MINUTE.
     */
    MESSAGE_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0),
    /** Refused or failed messages logged per minute per unsampled session; the rest are counted and summarised. */
    MESSAGE_LOG_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).default(30),
    /** Largest socket message accepted, in bytes; larger content must be chunked by the client. */
    MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** Token bucket per socket: sustained messages per second and burst. */
    SOCKET_RATE_PER_SECOND: z.coerce.number().min(1).default(50),
    SOCKET_RATE_BURST: z.coerce.number().int().min(1).default(100),
    /** Token bucket per user on this gateway (all their sockets together). */
    USER_RATE_PER_SECOND: z.coerce.number().min(1).default(100),
    USER_RATE_BURST: z.coerce.number().int().min(1).default(200),
    MAX_ROOMS_PER_SOCKET: z.coerce.number().int().min(1).default(100),
    /** Connections one user may hold on one gateway. */
    MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(20),
    /** How long before a token expires the socket is asked to refresh it. */
    TOKEN_REFRESH_LEAD_SECONDS: z.coerce.number().int().min(1).default(60),
    /** A connection without a heartbeat for this long is gone (its user offline if it was the last). */
    PRESENCE_TTL_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** How often gateways send heartbeats for their connections (keep well under PRESENCE_TTL_MS). */
    PRESENCE_HEARTBEAT_MS: z.coerce.number().int().min(200).default(10_000),
    /** How often the presence service looks for expired connections, typing and statuses. */
    PRESENCE_SWEEP_MS: z.coerce.number().int().min(50).default(1_000),
    /** "X is typing" ends this long after the last typing signal. */
    TYPING_TTL_MS: z.coerce.number().int().min(500).default(5_000),
    /** A user with no activity for this long is shown away (until the next activity). */
    AWAY_AFTER_MS: z.coerce.number().int().min(1_000).default(300_000),
    /** Base URL of the files service (gateway → files: upload tickets, lists, read URLs). */
    FILES_URL: url(['http', 'https']).optional(),
    /** Largest file accepted, in bytes. */
    FILES_MAX_BYTES: z.coerce.number().int().min(1).default(100 * 1024 * 1024),
    /** Storage per tenant unless an admin sets the tenant's own, in bytes. */
    FILES_QUOTA_BYTES: z.coerce.number().int().min(0).default(10 * 1024 ** 3),
    /** Types (detected from the content) a tenant may store unless an admin sets its own list; `image/*` wildcards allowed. */
    FILES_ALLOWED_TYPES: z
      .string()
      .default('image/png,image/jpeg,image/gif,image/webp,image/avif,image/tiff,application/pdf,text/plain,text/markdown,text/csv,audio/*,video/*,application/zip')
      .transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean)),
    /** Files larger than this are uploaded in parts of this size (S3's minimum is 5 MiB). */
    FILES_PART_BYTES: z.coerce.number().int().min(5 * 1024 * 1024).default(8 * 1024 * 1024),
    /** How long upload URLs (and a pending upload) live, in seconds. */
    FILES_UPLOAD_TTL_SECONDS: z.coerce.number().int().min(60).default(3600),
    /** How long download and preview URLs live, in seconds. */
    FILES_URL_TTL_SECONDS: z.coerce.number().int().min(5).default(300),
    /** Images with more pixels than this get a generic preview instead of being decoded (the decompression-bomb cap). */
    FILES_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(50_000_000),
    /** Preview worker processes (each makes one preview at a time). */
    FILES_PREVIEW_WORKERS: z.coerce.number().int().min(1).max(32).default(1),
    /** A preview taking longer is abandoned (its worker is restarted). */
    FILES_PREVIEW_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** Shared secret for service-to-service endpoints (`/internal/...`); set it in every deployment. */
    INTERNAL_TOKEN: z.string().min(16, 'INTERNAL_TOKEN must be at least 16 characters').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.S3_ENDPOINT && (!c.S3_ACCESS_KEY || !c.S3_SECRET_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['S3_ACCESS_KEY'], message: 'S3_ENDPOINT is set: S3_ACCESS_KEY and S3_SECRET_KEY are required too' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Thrown at start-up when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration. Throws {@link ConfigError} naming each invalid variable
 * and what it must look like, so a deployment fails at start rather than at first use.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${String(i.path[0] ?? '(config)')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration; fix these environment variables and start again:\n${lines.join('\n')}`);
  }
  return result.data;
}
