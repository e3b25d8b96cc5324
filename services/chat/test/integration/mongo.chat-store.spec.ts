import { mongoStoreSetup } from '@tandem/platform/testing';
import { runChatStoreContract } from '../../src/store/chat-store.contract';
import { MongoChatStore } from '../../src/store/mongo.chat-store';

runChatStoreContract('MongoDB-compatible server', () => mongoStoreSetup('tandem_chat_test_', (connection) => new MongoChatStore(connection)));
