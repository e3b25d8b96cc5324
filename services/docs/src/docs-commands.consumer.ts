import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TOPICS } from '@tandem/contracts';
import { CONFIG, Config, ConsumedRecord, ConsumedRecordOf, EVENT_BUS, EventBus, LOGGER, Logger, Subscription } from '@tandem/platform';
import { ACL_COMMAND_TYPES, AclCommand } from './acl/acl.rules';
import { AclService } from './acl/acl.service';
import { CounterService } from './counter/counter.service';
import { ChangeCommand, DocumentsService } from './documents/documents.service';
import { forEachLimited } from './for-each-limited';

type Command = ConsumedRecord<typeof TOPICS.docsCommands>;
type Increment = ConsumedRecordOf<typeof TOPICS.docsCommands, 'tandem.docs.counter.increment'>;

/**
 * Consumes `docs.commands.v1` in the `docs` group. A partition's batch is split into runs of the
 * same kind, in order: increments are merged per run (one change per document), document changes
 * per run (one `applyChanges` per document), ACL commands are applied one by one. A partition is
 * fetched at most once per `DOCS_MERGE_INTERVAL_MS`, so a busy document's commands arrive in fewer,
 * larger batches (each merge has a cost of its own: an Automerge apply, a log write, a `doc.merged`
 * to every socket of the room).
 */
@Injectable()
export class DocsCommandsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription?: Subscription;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONFIG) private readonly config: Config,
    private readonly counters: CounterService,
    private readonly acls: AclService,
    private readonly documents: DocumentsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: 'docs',
      topics: [TOPICS.docsCommands],
      fromBeginning: true,
      fetchLingerMs: this.config.DOCS_MERGE_INTERVAL_MS || undefined,
      handleBatch: (batch) => this.handle(batch.records),
    });
    this.logger.info('consuming docs.commands.v1');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  private async handle(records: readonly Command[]): Promise<void> {
    for (const run of runsOf(records)) {
      const kind = kindOf(run[0]);
      if (kind === 'acl') {
        await this.acls.applyCommands(run.map((r) => r.event as AclCommand));
        continue;
      }
      // The first writer of a document becomes its owner.
      // (The first record per document in the batch, not the last a Map built from all would keep.)
      const creators = new Map<string, Increment | ChangeCommand>();
      for (const r of run as Array<Increment | ChangeCommand>) {
        const key = `${r.event.tenant}/${r.event.data.docId}`;
        if (!creators.has(key)) creators.set(key, r);
      }
      await forEachLimited([...creators.values()], 8, (r) => this.acls.ensureCreated(r.event.tenant, r.event.data.docId, r.event.data.userId, r.event.type === 'tandem.docs.counter.increment' ? 'counter' : r.event.data.kind));
      if (kind === 'counter') await this.counters.applyCommands(run as Increment[]);
      else await this.documents.applyCommands(run as ChangeCommand[]);
    }
  }
}

function kindOf(r: Command): 'acl' | 'counter' | 'change' {
  if (ACL_COMMAND_TYPES.includes(r.event.type)) return 'acl';
  return r.event.type === 'tandem.docs.counter.increment' ? 'counter' : 'change';
}

/** Splits records into consecutive runs of the same kind (increments, document changes, ACL commands). */
function runsOf(records: readonly Command[]): Command[][] {
  const runs: Command[][] = [];
  for (const r of records) {
    const last = runs.at(-1);
    if (last && kindOf(last[0]) === kindOf(r)) last.push(r);
    else runs.push([r]);
  }
  return runs;
}
