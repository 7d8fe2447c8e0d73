/** Identifiers shared by the chat aggregates. */
import { matching } from "./validation.ts";

export type UserId = string & { readonly __brand: "UserId" };
export type ChannelId = string & { readonly __brand: "ChannelId" };
/** A time-based UUID (v1, Cassandra timeuuid): ids sort by time. */
export type MessageId = string & { readonly __brand: "MessageId" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIME_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** A time-based UUID, for documents (JSON Schema patterns have no flags, so both cases). */
export const TIME_UUID_PATTERN =
  "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-1[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$";

/** Ids are compared as text, so they are kept lower-case. */
function uuidParser<T extends string>(field: string, pattern = UUID, rule = "must be a UUID") {
  return matching<T>(pattern, field, rule, (raw) => raw.toLowerCase());
}

export const UserId = { parse: uuidParser<UserId>("user_id") };
export const ChannelId = { parse: uuidParser<ChannelId>("channel_id") };
export const MessageId = {
  parse: uuidParser<MessageId>("message_id", TIME_UUID, "must be a time-based UUID (v1)"),
  /** The 60-bit timestamp inside a UUID v1 (100 ns since 1582-10-15): the history's order. */
  ticksOf(id: MessageId): bigint {
    const [low, mid, high] = id.split("-");
    return BigInt(`0x${high.slice(1)}${mid}${low}`);
  },
  /** The millisecond time inside a UUID v1: when the message was sent. */
  timeOf(id: MessageId): Date {
    const [low, mid, high] = id.split("-");
    const ticks = BigInt(`0x${high.slice(1)}${mid}${low}`); // 100 ns since 1582-10-15
    return new Date(Number(ticks / 10_000n - 12_219_292_800_000n));
  },
};
