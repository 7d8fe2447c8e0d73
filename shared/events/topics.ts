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

/** chat-service instances' WebSocket lifecycle, read by presence-service (keyed by user_id). */
export const PRESENCE_REPORTS_TOPIC = "presence.reports";
/** presence-service's decided transitions, read by every chat-service instance (keyed by user_id). */
export const PRESENCE_CHANGES_TOPIC = "presence.changes";
/** Typing notices between chat-service instances (keyed by channel_id); never stored. */
export const CHAT_TYPING_TOPIC = "chat.typing";
