import { z } from 'zod';

/** Ids of tenants, users and resources: URL-safe, short, and never containing the key separator `/`. */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'ids may contain only letters, digits and _ . : -');

/** A client-generated command id (a UUID or similar), used for idempotence. */
export const CommandId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'command ids are 8-64 characters of [A-Za-z0-9_-]');
