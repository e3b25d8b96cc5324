import { z } from 'zod';
import { TOPICS, TopicName } from '../topics';
import { AclEventSchemas } from './acl.events';
import { ChatCommandSchemas, ChatEventSchemas } from './chat.events';
import { DocsCommandSchemas, DocsEventSchemas } from './docs.events';
import { FilesEventSchemas } from './files.events';
import { NotificationsEventSchemas } from './notifications.events';
import { PresenceCommandSchemas, PresenceEventSchemas } from './presence.events';
import { StatsDeadLetterSchemas, StatsEventSchemas, StatsIngestSchemas } from './stats.events';

/**
 * The schema of every event type, per topic. A topic lists exactly the CloudEvents `type`s it may
 * carry; publishing or consuming any other type is a {@link ContractError}.
 * Topics of features not built yet carry no types and reject every record.
 */
export const EVENT_CATALOG = {
  [TOPICS.docsCommands]: DocsCommandSchemas,
  [TOPICS.docsEvents]: DocsEventSchemas,
  [TOPICS.chatCommands]: ChatCommandSchemas,
  [TOPICS.chatEvents]: ChatEventSchemas,
  [TOPICS.presenceCommands]: PresenceCommandSchemas,
  [TOPICS.presenceEvents]: PresenceEventSchemas,
  [TOPICS.filesCommands]: {},
  [TOPICS.filesEvents]: FilesEventSchemas,
  [TOPICS.statsIngest]: StatsIngestSchemas,
  [TOPICS.statsEvents]: StatsEventSchemas,
  [TOPICS.statsIngestDlq]: StatsDeadLetterSchemas,
  [TOPICS.notificationsEvents]: NotificationsEventSchemas,
  [TOPICS.acl]: AclEventSchemas,
} as const satisfies Record<TopicName, Record<string, z.ZodType>>;

export type EventCatalog = typeof EVENT_CATALOG;

/** The event types a topic carries. */
export type EventTypeOf<T extends TopicName> = keyof EventCatalog[T] & string;

/** The `data` of an event type on a topic. */
export type EventDataOf<T extends TopicName, E extends EventTypeOf<T>> = EventCatalog[T][E] extends z.ZodType
  ? z.infer<EventCatalog[T][E]>
  : never;
