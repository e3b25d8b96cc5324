import type { ClientCommand } from '@tandem/contracts';

/** Where the outbox keeps commands not yet acknowledged: survives a reload with a persistent storage. */
export interface OutboxStorage {
  load(): ClientCommand[];
  save(commands: ClientCommand[]): void;
}

/** Keeps the outbox in memory only (lost with the process). */
export class MemoryOutboxStorage implements OutboxStorage {
  private commands: ClientCommand[] = [];
  load(): ClientCommand[] {
    return [...this.commands];
  }
  save(commands: ClientCommand[]): void {
    this.commands = [...commands];
  }
}

/** Keeps the outbox in the browser's localStorage under `key`, so it survives a reload or going offline. */
export class LocalStorageOutboxStorage implements OutboxStorage {
  constructor(private readonly key = 'tandem.outbox') {}
  load(): ClientCommand[] {
    try {
      return JSON.parse(globalThis.localStorage?.getItem(this.key) ?? '[]') as ClientCommand[];
    } catch {
      return [];
    }
  }
  save(commands: ClientCommand[]): void {
    globalThis.localStorage?.setItem(this.key, JSON.stringify(commands));
  }
}

/**
 * Commands the gateway has not yet acknowledged, in the order they were made. A command leaves the
 * outbox only when the gateway says Kafka has it (or rejects it as invalid); everything else is sent
 * again on reconnect, and the command id makes that resend harmless.
 */
export class Outbox {
  private readonly pending = new Map<string, ClientCommand>();

  constructor(private readonly storage: OutboxStorage) {
    for (const c of storage.load()) this.pending.set(c.commandId, c);
  }

  add(command: ClientCommand): void {
    this.pending.set(command.commandId, command);
    this.storage.save([...this.pending.values()]);
  }

  remove(commandId: string): void {
    if (this.pending.delete(commandId)) this.storage.save([...this.pending.values()]);
  }

  has(commandId: string): boolean {
    return this.pending.has(commandId);
  }

  all(): ClientCommand[] {
    return [...this.pending.values()];
  }

  get size(): number {
    return this.pending.size;
  }
}
