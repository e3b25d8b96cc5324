import { connectMongo } from '@tandem/platform';
import { mongoStoreSetup, requireEnv, uniqueId } from '@tandem/platform/testing';
import { runChatStoreContract } from '../../src/store/chat-store.contract';
import { MongoChatStore } from '../../src/store/mongo.chat-store';

runChatStoreContract('MongoDB-compatible server', () => mongoStoreSetup('tandem_chat_test_', (connection) => new MongoChatStore(connection)));

describe('MongoChatStore with member rows stored before rosters existed', () => {
  it('reads the members from chat_members and keeps them when the next member write creates the roster', async () => {
    const database = uniqueId('tandem_chat_roster_');
    const connection = await connectMongo(requireEnv('MONGO_URL'), database);
    try {
      const store = new MongoChatStore(connection);
      await store.init();
      const row = (userId: string, joinedSeq: number) => ({ _id: `t/old/${userId}`, tenant: 't', channelId: 'old', userId, role: 'editor', joinedSeq, active: true, version: joinedSeq });
      await connection.collection('chat_members').insertMany([row('ann', 1), row('bob', 2)] as never[]);
      expect((await store.members('t', 'old')).map((m) => m.userId)).toEqual(['ann', 'bob']);
      expect(await store.member('t', 'old', 'bob')).toMatchObject({ active: true, joinedSeq: 2 });
      await store.apply('t', [{ kind: 'member', member: { channelId: 'old', userId: 'cat', role: 'viewer', joinedSeq: 5, active: true, version: 5 } }]);
      expect(await connection.collection('chat_rosters').countDocuments({ _id: 't/old' } as never)).toBe(1);
      expect((await store.members('t', 'old')).map((m) => m.userId)).toEqual(['ann', 'bob', 'cat']);
    } finally {
      await connection.dropDatabase();
      await connection.close();
    }
  }, 60_000);
});
