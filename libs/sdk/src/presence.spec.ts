import type { CursorPosition, PresenceMessage } from '@tandem/contracts';
import { CURSOR_RETRY_MS, CURSOR_SEND_INTERVAL_MS, EmitVolatile, PresenceApi } from './presence';

/** A presence API whose connection answers each volatile send with what `connection` says now. */
function setup() {
  let connection: ReturnType<EmitVolatile> = 'sent';
  const sent: CursorPosition[] = [];
  const api = new PresenceApi(
    async () => ({ ok: true }),
    (message: PresenceMessage) => {
      if (connection === 'sent' && message.type === 'presence.cursor') sent.push(message.cursor);
      return connection;
    },
  );
  return { api, sent, setConnection: (c: ReturnType<EmitVolatile>) => void (connection = c) };
}

describe('PresenceApi.moveCursor: the latest position, at most every CURSOR_SEND_INTERVAL_MS', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('skips the positions in between but always sends the last one', () => {
    const { api, sent } = setup();
    for (let x = 0; x < 10; x++) api.moveCursor('d', { x, y: 0 });
    jest.advanceTimersByTime(CURSOR_SEND_INTERVAL_MS);
    expect(sent).toEqual([
      { x: 0, y: 0 },
      { x: 9, y: 0 },
    ]);
  });

  it('sends the last position again once the connection is no longer busy (Socket.IO would have dropped it)', () => {
    const { api, sent, setConnection } = setup();
    setConnection('busy');
    api.moveCursor('d', { x: 1, y: 0 });
    expect(sent).toEqual([]);
    api.moveCursor('d', { x: 2, y: 0 });
    jest.advanceTimersByTime(CURSOR_RETRY_MS);
    expect(sent).toEqual([]);
    setConnection('sent');
    jest.advanceTimersByTime(CURSOR_RETRY_MS);
    expect(sent).toEqual([{ x: 2, y: 0 }]);
    jest.advanceTimersByTime(10 * CURSOR_SEND_INTERVAL_MS);
    expect(sent).toEqual([{ x: 2, y: 0 }]);
  });

  it('drops a position while disconnected instead of retrying, and sends the next move at once', () => {
    const { api, sent, setConnection } = setup();
    setConnection('disconnected');
    api.moveCursor('d', { x: 1, y: 0 });
    setConnection('sent');
    jest.advanceTimersByTime(10 * CURSOR_SEND_INTERVAL_MS);
    expect(sent).toEqual([]);
    api.moveCursor('d', { x: 2, y: 0 });
    expect(sent).toEqual([{ x: 2, y: 0 }]);
  });

  it('shows the latest position again after a reconnect in the documents still joined, and forgets the others', () => {
    const { api, sent, setConnection } = setup();
    api.moveCursor('kept', { x: 1, y: 0 });
    api.moveCursor('closed', { x: 2, y: 0 });
    setConnection('disconnected');
    jest.advanceTimersByTime(CURSOR_SEND_INTERVAL_MS);
    api.moveCursor('kept', { x: 3, y: 0 }); // moved while the connection was down
    setConnection('sent');
    sent.length = 0;
    void api.resync((docId) => docId === 'kept');
    jest.advanceTimersByTime(CURSOR_SEND_INTERVAL_MS);
    expect(sent).toEqual([{ x: 3, y: 0 }]);
    void api.resync(() => true);
    jest.advanceTimersByTime(CURSOR_SEND_INTERVAL_MS);
    expect(sent).toEqual([
      { x: 3, y: 0 },
      { x: 3, y: 0 },
    ]);
  });
});
