import type { KickReason, ResourceRole, ResourceState } from '@tandem/contracts';

type Listener = (counter: CounterHandle) => void;

/**
 * A shared counter document. `value` is what the docs service has merged (identical for everyone
 * once they have the same `seq`); `pending` counts this client's increments not yet merged.
 */
export class CounterHandle {
  value = 0;
  seq = 0;
  /** This user's role on the document (lowered live when an owner changes it). */
  role: ResourceRole | null = null;
  /** Set when access was removed: the handle gets no more updates. */
  kicked: { reason: KickReason; message: string } | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly unmerged = new Map<string, number>();

  constructor(
    readonly docId: string,
    private readonly send: (by: number) => { commandId: string; acked: Promise<void> },
    private readonly onClose: () => void,
  ) {}

  /** This client's increments that the service has not yet merged into `value`. */
  get pending(): number {
    let sum = 0;
    for (const by of this.unmerged.values()) sum += by;
    return sum;
  }

  /**
   * Adds `by` (default 1). Resolves once the gateway has it durably in Kafka; until then it waits in
   * the outbox and is resent after a reconnect, so it is never lost.
   */
  async increment(by = 1): Promise<void> {
    const { commandId, acked } = this.send(by);
    this.unmerged.set(commandId, by);
    this.notify();
    await acked;
  }

  /** Calls `listener` after every change of `value` or `pending`; returns a function that stops it. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops receiving updates. */
  close(): void {
    this.onClose();
    this.listeners.clear();
  }

  /** @internal */
  applyAccess(change: { role?: ResourceRole; kicked?: { reason: KickReason; message: string } }): void {
    if (change.role) this.role = change.role;
    if (change.kicked) this.kicked = change.kicked;
    this.notify();
  }

  /** @internal */
  applyState(state: Pick<ResourceState, 'seq' | 'value'>, mergedCommandIds: string[] = []): void {
    for (const id of mergedCommandIds) this.unmerged.delete(id);
    // Events may arrive out of order with a join's state: the highest seq wins.
    if (state.seq >= this.seq) {
      this.seq = state.seq;
      this.value = state.value;
    }
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l(this);
  }
}
