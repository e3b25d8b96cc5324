/** Polls `check` until it stops throwing or `timeoutMs` passes, then rethrows its last error. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** A short unique suffix for per-test tenants, groups and key prefixes. */
export function uniqueId(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The value of an environment variable an integration test needs. Fails loudly (never skips) when it
 * is missing: integration tests run through `npm test`, which starts the real servers and sets them.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: integration tests need the real servers. Run them with \`npm test\` (it starts Kafka, FerretDB, Redis and MinIO) or \`node scripts/infra/up.mjs -- npx nx run-many -t test:integration\`.`);
  return value;
}
