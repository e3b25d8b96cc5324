import { CursorPosition, ResourceRef, ServerEvent, roomOf } from '@tandem/contracts';
import { Metrics } from '@tandem/platform';
import type { RoomEmitterRepository } from '../events/room-emitter.repository';
import type { SocketSession } from '../session/socket-session';
import { CURSOR_INTERVAL_MS, CURSOR_SETTLE_MS, CursorRelay } from './cursor-relay';

const resource: ResourceRef = { kind: 'doc', id: 'd1' };
const room = roomOf('acme', resource);

/**
 * The relay with one reader in the room, who sees each user's caret where the last batch it got put
 * it. While `busy`, the reader's connection drops volatile packets, as Socket.IO does when a write is
 * in flight; reliable ones always arrive.
 */
function setup() {
  const carets = new Map<string, CursorPosition>();
  const received = { volatile: 0, reliable: 0 };
  let busy = false;
  const deliver = (event: ServerEvent) => {
    if (event.type === 'presence.cursors') for (const c of event.cursors) carets.set(c.userId, c.cursor);
  };
  const emitter = {
    broadcastVolatile: (to: string, event: ServerEvent) => {
      if (to !== room || busy) return;
      received.volatile++;
      deliver(event);
    },
    broadcast: (to: string, event: ServerEvent) => {
      if (to !== room) return;
      received.reliable++;
      deliver(event);
    },
  } as unknown as RoomEmitterRepository;
  const relay = new CursorRelay(emitter, new Metrics('test'));
  const join = (userId: string) => {
    const session = { principal: { userId, tenant: 'acme', name: userId, roles: [], expiresAt: 0 }, joined: new Map([[room, { resource, role: 'editor' }]]), expiryTimers: [] } as SocketSession;
    const socket = { connected: true };
    return { session, socket, move: (x: number) => relay.move(session, socket, resource, { x, y: 0 }) };
  };
  return { relay, carets, received, join, setBusy: (b: boolean) => void (busy = b) };
}

type Member = ReturnType<ReturnType<typeof setup>['join']>;

describe('CursorRelay: carets relayed to the room', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('puts a caret where it came to rest even when the batch that carried it was dropped', () => {
    const { relay, carets, received, join, setBusy } = setup();
    const ann = join('ann');
    ann.move(1);
    jest.advanceTimersByTime(CURSOR_INTERVAL_MS);
    expect(carets.get('ann')).toEqual({ x: 1, y: 0 });
    // Her last move's batch goes out while the reader's connection is busy: dropped.
    setBusy(true);
    ann.move(2);
    jest.advanceTimersByTime(CURSOR_INTERVAL_MS);
    setBusy(false);
    expect(carets.get('ann')).toEqual({ x: 1, y: 0 });
    jest.advanceTimersByTime(CURSOR_SETTLE_MS);
    expect(carets.get('ann')).toEqual({ x: 2, y: 0 });
    expect(received.reliable).toBe(1);
    // Once at rest, nothing more is sent.
    jest.advanceTimersByTime(10 * CURSOR_SETTLE_MS);
    expect(received).toEqual({ volatile: 1, reliable: 1 });
    relay.onModuleDestroy();
  });

  it('sends nothing reliably while a user keeps moving, and each user once they stop', () => {
    const { relay, carets, received, join, setBusy } = setup();
    const ann = join('ann');
    const bob = join('bob');
    bob.move(7);
    setBusy(true); // every volatile batch is dropped from here on
    for (let x = 0; x < 20; x++) {
      ann.move(x);
      jest.advanceTimersByTime(100);
      // Bob stopped at once; Ann moves every 100 ms, so only Bob's rest is sent while she moves.
      if (x === 5) expect(carets).toEqual(new Map([['bob', { x: 7, y: 0 }]]));
    }
    expect(received.reliable).toBe(1);
    jest.advanceTimersByTime(CURSOR_SETTLE_MS);
    expect(carets).toEqual(
      new Map([
        ['bob', { x: 7, y: 0 }],
        ['ann', { x: 19, y: 0 }],
      ]),
    );
    expect(received).toEqual({ volatile: 0, reliable: 2 });
    relay.onModuleDestroy();
  });

  it.each([
    ['left the document', (u: Member) => u.session.joined.delete(room)],
    ['disconnected', (u: Member) => void ((u.socket as { connected: boolean }).connected = false)],
  ])('does not send the caret again of a user who has %s since (no ghost caret)', (_, depart) => {
    const { relay, carets, received, join, setBusy } = setup();
    const ann = join('ann');
    setBusy(true);
    ann.move(3);
    jest.advanceTimersByTime(CURSOR_INTERVAL_MS);
    depart(ann);
    setBusy(false);
    jest.advanceTimersByTime(2 * CURSOR_SETTLE_MS);
    expect(carets.has('ann')).toBe(false);
    expect(received.reliable).toBe(0);
    relay.onModuleDestroy();
  });
});
