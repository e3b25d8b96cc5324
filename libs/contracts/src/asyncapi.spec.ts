import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAsyncApiDocument } from './asyncapi';
import { EVENT_CATALOG } from './events/catalog';
import { ALL_TOPICS } from './topics';

describe('AsyncAPI document', () => {
  const committed = JSON.parse(readFileSync(join(__dirname, '..', 'asyncapi.json'), 'utf8'));

  it('matches the schemas (run `npm run asyncapi -w @tandem/contracts` when this fails)', () => {
    expect(committed).toEqual(buildAsyncApiDocument());
  });

  it('validates with the AsyncAPI parser without errors', async () => {
    const { diagnostics, document } = await new Parser().parse(JSON.stringify(committed));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
  });

  it('has a channel for every topic and a message for every event type', async () => {
    const { document } = await new Parser().parse(JSON.stringify(committed));
    const addresses = document!.channels().all().map((c) => c.address());
    expect(addresses.sort()).toEqual([...ALL_TOPICS].sort());
    const types = Object.values(EVENT_CATALOG).flatMap((schemas) => Object.keys(schemas));
    expect(document!.messages().all().map((m) => m.name()).sort()).toEqual(types.sort());
  });
});
