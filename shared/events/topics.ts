/** Kafka topic names of DESIGN §5. */
export const USER_EVENTS_TOPIC = "user-events";

export const CHAT_MESSAGE_SHARD_COUNT = 16;

/** `chat.messages.0` … `chat.messages.15`. */
export const CHAT_MESSAGE_TOPICS: readonly string[] = Array.from(
  { length: CHAT_MESSAGE_SHARD_COUNT },
  (_, shard) => `chat.messages.${shard}`,
);

/**
 * The shard of a channel: its UUID read as a 128-bit unsigned integer, modulo
 * 16, which is the value of its last hex digit.
 */
export function chatShardOf(channelId: string): number {
  const digit = Number.parseInt(channelId.slice(-1), 16);
  if (Number.isNaN(digit)) throw new RangeError(`not a UUID: ${channelId}`);
  return digit % CHAT_MESSAGE_SHARD_COUNT;
}

export function chatMessagesTopic(channelId: string): string {
  return `chat.messages.${chatShardOf(channelId)}`;
}

/**
 * A `chat.messages.*` record's header naming who, besides the subscribers of the channel (the
 * record's key), gets a frame from it: user ids separated by commas, `*` for every socket, empty
 * for nobody else. An instance reads it with the key before it decodes the value: a record
 * nobody here waits for is skipped for the cost of a lookup. A record without it is decoded.
 */
export const CHAT_RECIPIENTS_HEADER = "recipients";
export const EVERY_SOCKET = "*";

/** chat-service instances' WebSocket lifecycle, read by presence-service (keyed by user_id). */
export const PRESENCE_REPORTS_TOPIC = "presence.reports";
/** presence-service's decided transitions, read by every chat-service instance (keyed by user_id). */
export const PRESENCE_CHANGES_TOPIC = "presence.changes";
/** Typing notices between chat-service instances (keyed by channel_id); never stored. */
export const CHAT_TYPING_TOPIC = "chat.typing";

/**
 * Every topic a deployment has, with its partitions: created by the infrastructure set-up
 * (scripts/infra/provision.ts, and the fault tests' private Kafka) before any service starts.
 */
export const DEPLOYMENT_TOPICS: readonly { topic: string; numPartitions: number }[] = [
  // Several partitions so user events spread; order per user comes from the key.
  { topic: USER_EVENTS_TOPIC, numPartitions: 4 },
  // A shard is already a topic; one partition keeps a channel's order trivially.
  ...CHAT_MESSAGE_TOPICS.map((topic) => ({ topic, numPartitions: 1 })),
  // Presence and typing: order per user (per channel for typing) comes from the key.
  ...[PRESENCE_REPORTS_TOPIC, PRESENCE_CHANGES_TOPIC, CHAT_TYPING_TOPIC].map((topic) => ({
    topic,
    numPartitions: 4,
  })),
];
