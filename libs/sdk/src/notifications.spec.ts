import type { Notification, NotificationsRequest } from '@tandem/contracts';
import { NotificationsApi } from './notifications';

/** One user's inbox as the service answers it: seqs ascending, `since` paged. */
function setup() {
  const inbox: Notification[] = [];
  const requests: NotificationsRequest[] = [];
  const add = (seq: number): Notification => {
    const n: Notification = {
      notificationId: `n-${seq}`,
      userId: 'bob',
      seq,
      type: 'chat.mention',
      title: `mention ${seq}`,
      body: '',
      actorId: 'ann',
      link: { kind: 'chat', channelId: 'general', messageId: `m-${seq}`, threadRootId: null, seq },
      scopes: [],
      sourceTime: new Date(0).toISOString(),
      createdAt: new Date(0).toISOString(),
      readAt: null,
    };
    inbox.push(n);
    inbox.sort((a, b) => a.seq - b.seq);
    return n;
  };
  const unread = () => inbox.length;
  const sut = new NotificationsApi(async (request) => {
    requests.push(request);
    if (request.type === 'notifications.since') {
      const after = inbox.filter((n) => n.seq > request.sinceSeq);
      const page = after.slice(0, request.limit);
      return { ok: true, notifications: page, complete: after.length <= request.limit, latestSeq: page.at(-1)?.seq ?? request.sinceSeq, unread: unread() };
    }
    if (request.type === 'notifications.list') {
      const page = [...inbox].reverse().slice(0, request.limit);
      return { ok: true, notifications: page, hasMore: inbox.length > request.limit, unread: unread() };
    }
    throw new Error(`unexpected ${request.type}`);
  });
  const received: number[] = [];
  sut.onNotification((n) => received.push(n.seq));
  const push = (n: Notification) => sut.dispatch({ type: 'notification', notification: n, unread: unread() });
  return { sut, add, push, received, requests };
}

describe(NotificationsApi.name, () => {
  it('catches up everything after the last seen seq, page by page, each once', async () => {
    const { sut, add, received } = setup();
    sut.resumeFrom(0);
    for (let seq = 1; seq <= 1_200; seq++) add(seq);
    await sut.resync();
    expect(received).toEqual(Array.from({ length: 1_200 }, (_, i) => i + 1));
    expect([sut.lastSeq, sut.unread]).toEqual([1_200, 1_200]);
    await sut.resync();
    expect(received).toHaveLength(1_200);
  });

  it('does not skip a notification pushed out of order when the connection drops in between', async () => {
    const { sut, add, push, received } = setup();
    await sut.resync(); // first start: from the newest (none)
    push(add(1));
    add(2); // stored, its push still on the way…
    push(add(3)); // …when a later one arrives
    expect(sut.lastSeq).toBe(1);
    // Offline now: 2 is never pushed to this device, 4 arrives meanwhile.
    add(4);
    await sut.resync();
    expect(received).toEqual([1, 3, 2, 4]);
    expect(sut.lastSeq).toBe(4);
  });

  it('moves the cursor over live pushes that follow it without a gap', async () => {
    const { sut, add, push } = setup();
    await sut.resync();
    push(add(1));
    push(add(3));
    push(add(2));
    expect(sut.lastSeq).toBe(3);
  });

  it('keeps paging from its own cursor when a live push arrives during the catch-up', async () => {
    const { sut, add, push, received } = setup();
    sut.resumeFrom(0);
    for (let seq = 1; seq <= 600; seq++) add(seq);
    const done = sut.resync();
    push(add(601)); // arrives while the first page is being fetched
    await done;
    expect(new Set(received).size).toBe(601);
    expect(received).toHaveLength(601);
    expect(sut.lastSeq).toBe(601);
  });
});
