import * as A from '@automerge/automerge';
import { RichTextDoc, holdsHeads, initialHash, richtext } from '@tandem/documents';
import { ConcurrentTrace, loadTrace } from '../libs/documents/src/testing/traces';
import { eventually, uniqueId } from '@tandem/platform/testing';
import type { DocHandle } from '@tandem/sdk';
import { DocsPlatform } from './support/docs-platform';

/** A run of one agent's transactions typed as one change: `first`'s parents are its base. */
interface Burst {
  agent: number;
  first: number;
  last: number;
  patches: Array<[number, number, string]>;
}

/**
 * Groups each agent's transactions into bursts. A transaction joins the burst of the agent's
 * previous one only when it was typed on top of exactly that transaction (its sole parent) and no
 * other transaction names that previous one as a parent; so every transaction another agent (or a
 * later burst) waits for ends a burst and has its own change hash, and a burst starts exactly at
 * its first transaction's parents. Typing a burst as one change yields the same text as typing its
 * transactions one by one, while the causal graph between agents stays the trace's. Without this,
 * the ~25k keystrokes per trace would be 25k changes, each paying Automerge's per-change cost that
 * grows with the history on three clients and the service (minutes on this 2-core machine); with it
 * they are ~4-5k changes, the concurrency (who waited for whom) unchanged.
 */
function bursts(trace: ConcurrentTrace): Burst[] {
  const awaited = new Set<number>();
  const previousOwn: Array<number | undefined> = [];
  const lastOf = new Map<number, number>();
  trace.txns.forEach((t, i) => {
    previousOwn[i] = lastOf.get(t.agent);
    lastOf.set(t.agent, i);
    for (const p of t.parents) if (p !== previousOwn[i]) awaited.add(p);
  });
  const out: Burst[] = [];
  const open = new Map<number, Burst>();
  trace.txns.forEach((t, i) => {
    const prev = previousOwn[i];
    const current = open.get(t.agent);
    if (current && prev === current.last && t.parents.length === 1 && t.parents[0] === prev && !awaited.has(prev)) {
      current.last = i;
      current.patches.push(...t.patches);
      return;
    }
    const burst: Burst = { agent: t.agent, first: i, last: i, patches: [...t.patches] };
    out.push(burst);
    open.set(t.agent, burst);
  });
  return out;
}

function sameHeads(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** Resolves once `handle` has every change in `hashes` (they arrived by relay or sync). */
function arrived(handle: DocHandle<'richtext'>, hashes: string[]): Promise<void> {
  if (holdsHeads(handle.doc, hashes)) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = handle.onChange((doc) => {
      if (holdsHeads(doc, hashes)) {
        stop();
        resolve();
      }
    });
  });
}

/**
 * Real people typing into one document at the same time (editing-traces collection, CC BY 4.0),
 * replayed through the whole path: one SDK client per agent, on alternating gateways; each burst
 * of transactions is typed only once its parents have reached that client through the platform
 * (relay or sync), against exactly their state (`changeAt` the parents' heads when more has
 * arrived meanwhile), as it was typed then.
 */
describe('concurrent editing traces through gateway, Kafka and the docs service', () => {
  const platform = new DocsPlatform();

  beforeAll(() => platform.start());
  afterAll(() => platform.stop());

  // The two traces run at the same time (own tenants, own clients): each spends much of its time
  // waiting for relays, which the other's typing fills (on 2 busy cores: 201 s together, 233-338 s
  // one after the other).
  for (const name of ['friendsforever', 'clownschool']) {
    it.concurrent(`${name}: every agent's client and a freshly loaded client end exactly at endContent`, async () => {
      const trace = loadTrace<ConcurrentTrace>(`${name}.json.gz`);
      const tenant = uniqueId('tenant');
      const handles = await Promise.all(
        Array.from({ length: trace.numAgents }, async (_, agent) => {
          const client = await platform.client(tenant, `agent-${agent}`, { gateway: agent });
          return client.documents.open('trace', 'richtext');
        }),
      );
      /** The heads right after each burst's last transaction (the parents' heads if it changed nothing). */
      const headsOf: string[][] = [];
      const typedBy = new Map<number, Array<() => void>>();
      /** Resolves once the transaction `i` has been typed (by any agent) and its heads are known. */
      const typed = (i: number) => (headsOf[i] ? Promise.resolve() : new Promise<void>((r) => typedBy.set(i, [...(typedBy.get(i) ?? []), r])));
      const stats = { waited: 0, atEarlierState: 0 };
      const byAgent = handles.map(() => [] as Burst[]);
      for (const b of bursts(trace)) byAgent[b.agent].push(b);
      await Promise.all(
        byAgent.map(async (own, agent) => {
          const handle = handles[agent];
          for (const burst of own) {
            const { parents } = trace.txns[burst.first];
            for (const p of parents) await typed(p);
            const heads = parents.length === 0 ? [initialHash('richtext')] : [...new Set(parents.flatMap((p) => headsOf[p]))];
            if (!holdsHeads(handle.doc, heads)) {
              stats.waited++;
              await arrived(handle, heads);
            }
            const type = (d: RichTextDoc) => {
              for (const [pos, del, ins] of burst.patches) {
                if (del > 0) richtext.deleteText(d, pos, del);
                if (ins.length > 0) richtext.insertText(d, pos, ins);
              }
            };
            if (sameHeads(A.getHeads(handle.doc), heads)) {
              handle.change(type);
              headsOf[burst.last] = A.getHeads(handle.doc);
            } else {
              // Others' concurrent changes arrived meanwhile: type against the parents' state only.
              stats.atEarlierState++;
              headsOf[burst.last] = handle.changeAt(heads, type);
            }
            for (const r of typedBy.get(burst.last) ?? []) r();
            // Let the socket in between bursts, as between real keystrokes.
            await new Promise((r) => setImmediate(r));
          }
        }),
      );
      // The replay really was concurrent: clients waited for each other's changes and typed against older states.
      expect(stats.waited).toBeGreaterThan(100);
      expect(stats.atEarlierState).toBeGreaterThan(100);
      await Promise.all(handles.map((h) => h.whenDurable()));
      await eventually(() => expect(handles.map((h) => h.doc.text)).toEqual(handles.map(() => trace.endContent)), 60_000, 100);
      const fresh = await platform.freshCopy(tenant, 'trace', 'richtext');
      expect(fresh.doc.text).toBe(trace.endContent);
    }, 600_000);
  }
});
