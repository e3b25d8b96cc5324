import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { FileEvent, TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/**
 * A file attached to a chat message, through the whole platform on real Kafka, FerretDB and MinIO:
 * the chat service decides who is a member, the files service asks it before issuing a ticket or a
 * URL, and the gateway emits the file's events to the channel's room — so every member sees the
 * preview the moment it is ready, and nobody outside the channel sees anything.
 */
describe('a file attached to a chat message', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  let gateway: RunningProcess;
  const clients: TandemClient[] = [];
  const tenant = uniqueId('tenant');

  beforeAll(async () => {
    const env = { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex') };
    const s3 = { S3_ENDPOINT: requireEnv('S3_ENDPOINT'), S3_ACCESS_KEY: requireEnv('S3_ACCESS_KEY'), S3_SECRET_KEY: requireEnv('S3_SECRET_KEY'), S3_BUCKET: 'tandem-chat-files-e2e' };
    const [docs, chat] = await Promise.all([startProcess('docs', 'services/docs/src/main.ts', env), startProcess('chat', 'services/chat/src/main.ts', env)]);
    const files = await startProcess('files', 'services/files/src/main.ts', { ...env, ...s3, CHAT_URL: chat.url });
    gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, DOCS_URL: docs.url, CHAT_URL: chat.url, FILES_URL: files.url });
  }, 180_000);
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    await stopAll();
  });

  async function connect(sub: string): Promise<TandemClient> {
    const token = await signToken(jwtSecret, { sub, tenant, roles: ['member'] });
    const client = new TandemClient({ url: gateway.url, getToken: () => token });
    clients.push(client);
    await client.ready();
    return client;
  }
  const collect = (client: TandemClient) => {
    const events: FileEvent[] = [];
    client.files.onEvent((e) => events.push(e));
    return events;
  };

  it('shows its preview to every member of the private channel once ready, and nothing to anyone else', async () => {
    const [ann, bob, cid, dee] = await Promise.all([connect('ann'), connect('bob'), connect('cid'), connect('dee')]);
    const channelId = uniqueId('design');
    await ann.chat.createChannel(channelId, { kind: 'private', name: 'design', memberIds: ['bob', 'cid'] }).acked;
    const [annChannel, bobChannel, cidChannel] = await eventually(() => Promise.all([ann.chat.open(channelId), bob.chat.open(channelId), cid.chat.open(channelId)]), 15_000);
    await expect(dee.chat.open(channelId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const seen = { bob: collect(bob), cid: collect(cid), dee: collect(dee) };

    const messageId = uniqueId('msg');
    const image = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#c84' } }).png().toBuffer();
    const file = await ann.files.upload(image, { name: 'mockup.png', type: 'image/png', target: { kind: 'message', channelId, messageId } });
    await ann.chat.post(channelId, 'the new mockup', { messageId, attachments: [{ fileId: file.fileId, name: 'mockup.png', contentType: 'image/png', size: image.length }] }).acked;

    for (const [channel, events] of [[bobChannel, seen.bob], [cidChannel, seen.cid]] as const) {
      await eventually(() => expect(channel.message(messageId)?.attachments.map((a) => a.fileId)).toEqual([file.fileId]), 15_000);
      const ready = await eventually(() => {
        const e = events.find((x) => x.type === 'file.preview.ready' && x.file.fileId === file.fileId);
        if (!e || e.type !== 'file.preview.ready') throw new Error('no preview yet');
        return e.file;
      }, 30_000);
      expect(ready).toMatchObject({ status: 'ready', preview: { kind: 'image', width: 1600, height: 900 } });
      // "uploaded" came before "ready", and the preview can be fetched the moment "ready" arrives.
      expect(events.findIndex((e) => e.type === 'file.uploaded')).toBeLessThan(events.findIndex((e) => e.type === 'file.preview.ready'));
    }
    const urls = await bob.files.urls(file.fileId);
    const small = await sharp(Buffer.from(await (await fetch(urls.previews.small!)).arrayBuffer())).metadata();
    expect([small.format, small.width]).toEqual(['webp', 256]);
    expect(annChannel.message(messageId)?.text).toBe('the new mockup');

    // Someone outside the channel got no event, and gets no URL or listing.
    expect(seen.dee).toEqual([]);
    await expect(dee.files.urls(file.fileId)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(dee.files.list({ kind: 'channel', id: channelId })).rejects.toMatchObject({ status: 403 });

    // Removed from the channel: no new URLs for cid.
    await ann.chat.removeMember(channelId, 'cid').acked;
    await eventually(() => expect(cid.files.urls(file.fileId)).rejects.toMatchObject({ code: 'FORBIDDEN' }), 15_000);
  }, 120_000);
});
