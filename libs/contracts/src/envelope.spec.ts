import { ContractError } from './errors';
import { decodeEvent, encodeEvent, validateEvent } from './envelope';
import { TOPICS } from './topics';

const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'evt-1',
  type: 'tandem.docs.counter.increment',
  source: '/gateway/test',
  specversion: '1.0',
  time: new Date().toISOString(),
  tenant: 'acme',
  data: { docId: 'doc-1', commandId: 'cmd-00000001', userId: 'u1', by: 1 },
  ...overrides,
});

describe('validateEvent', () => {
  it('accepts a valid event and returns it typed', () => {
    const parsed = validateEvent(TOPICS.docsCommands, event());
    expect(parsed.type).toBe('tandem.docs.counter.increment');
    expect(parsed.data).toMatchObject({ by: 1 });
  });

  it('rejects an event type the topic does not carry', () => {
    expect(() => validateEvent(TOPICS.docsEvents, event())).toThrow(ContractError);
    try {
      validateEvent(TOPICS.docsEvents, event());
    } catch (error) {
      expect((error as ContractError).code).toBe('UNKNOWN_EVENT_TYPE');
    }
  });

  it('rejects data that does not match the schema and names the field', () => {
    expect(() => validateEvent(TOPICS.docsCommands, event({ data: { docId: 'doc-1', commandId: 'cmd-00000001', userId: 'u1', by: 1.5 } }))).toThrow(/by/);
  });

  it('rejects a missing envelope attribute', () => {
    expect(() => validateEvent(TOPICS.docsCommands, event({ tenant: undefined }))).toThrow(/tenant/);
  });

  it('does not treat inherited object keys as event types', () => {
    expect(() => validateEvent(TOPICS.docsCommands, event({ type: 'toString' }))).toThrow(/does not carry/);
  });
});

describe('encodeEvent', () => {
  it('round-trips through binary-mode headers', () => {
    const original = validateEvent(TOPICS.docsCommands, event({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));
    const { headers, value } = encodeEvent(original);
    expect(headers.ce_type).toBe('tandem.docs.counter.increment');
    expect(headers.ce_specversion).toBe('1.0');
    expect(validateEvent(TOPICS.docsCommands, decodeEvent(headers, value))).toEqual(original);
  });

  it('reports a value that is not JSON as a contract error', () => {
    expect(() => decodeEvent({}, Buffer.from('{nope'))).toThrow(ContractError);
  });
});
