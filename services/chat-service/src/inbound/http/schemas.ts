/**
 * Request and response shapes of the chat API; they validate requests and
 * generate /openapi.json. Request fields come out as the domain's branded
 * values, through the domain's own smart constructors (one rule, one text).
 */
import { z } from "@hono/zod-openapi";
import type { Result } from "@chat-ts/shared/result";
import { type Channel, ChannelDescription, ChannelName } from "../../domain/channel/models.ts";
import { ChannelId, MessageId, UserId } from "../../domain/ids.ts";
import {
  ClientId,
  type HistoryCursor,
  MessageContent,
  type MessageView,
} from "../../domain/message/models.ts";
import type { ValidationError } from "../../domain/validation.ts";
import type { ReadSummary } from "../../domain/read/ports.ts";
import { toWireChannel } from "../channel_wire.ts";
import { toWireMessage } from "../message_wire.ts";

/** A string field parsed by a domain smart constructor; its rule is the issue's message. */
function domain<T>(parse: (raw: string) => Result<T, ValidationError>) {
  return z.string().transform((raw, ctx): T => {
    const parsed = parse(raw);
    if (parsed.ok) return parsed.value;
    ctx.issues.push({ code: "custom", message: parsed.error.rule, input: raw });
    return z.NEVER;
  });
}

const channelId = domain(ChannelId.parse);
const userId = domain(UserId.parse);

export const CreateChannelBody = z.discriminatedUnion("channel_type", [
  z.object({
    channel_type: z.enum(["public", "private"]),
    name: domain(ChannelName.parse),
    description: domain(ChannelDescription.parse).optional(),
  }),
  z.object({ channel_type: z.literal("direct"), participant_id: userId }),
], { error: "must be one of public, private, direct" }).openapi("CreateChannel");

const pathParam = <T extends z.ZodType>(schema: T, name: string) =>
  schema.openapi({ param: { name, in: "path" } });

export const ChannelIdParam = z.object({ id: pathParam(channelId, "id") });
export const MemberParams = z.object({
  id: pathParam(channelId, "id"),
  user_id: pathParam(userId, "user_id"),
});
export const MessageParams = z.object({
  id: pathParam(channelId, "id"),
  /**
   * Any UUID is a well-formed id; one that is not time-based names no message
   * (404, as for a missing one), so it comes out as null.
   */
  message_id: pathParam(
    z.uuid("must be a UUID").transform((raw) => {
      const id = MessageId.parse(raw);
      return id.ok ? id.value : null;
    }),
    "message_id",
  ),
});

/**
 * `emoji` stays text here: a path parameter that breaks a rule is a 400, and
 * an emoji that is not one is a 422 naming the field, like a body field, so the
 * handler parses it with `Emoji.parse`.
 */
export const ReactionParams = z.object({
  ...MessageParams.shape,
  emoji: pathParam(z.string(), "emoji"),
});

export const MembersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  /** The last `user_id` of the previous page. */
  after: z.uuid("must be a UUID").pipe(userId).optional(),
});

export const MemberJson = z.object({ user_id: z.uuid(), username: z.string().nullable() })
  .openapi("Member");

export const ListChannelsQuery = z.object({
  member: z.literal("me").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  after: z.string().max(100).optional(),
});

const Rfc3339 = z.iso.datetime({ offset: true });
const cursor = z.string().transform((raw, ctx): HistoryCursor => {
  const id = MessageId.parse(raw);
  if (id.ok) return { kind: "message", id: id.value };
  if (Rfc3339.safeParse(raw).success) {
    const at = new Date(raw);
    // Stores keep years 0001–9999 only (and so does RFC 3339 in practice).
    const year = at.getUTCFullYear();
    if (year >= 1 && year <= 9999) return { kind: "time", at };
    ctx.issues.push({
      code: "custom",
      message: "must be a time in the years 0001–9999",
      input: raw,
    });
    return z.NEVER;
  }
  ctx.issues.push({
    code: "custom",
    message: "must be an RFC 3339 time or a message id",
    input: raw,
  });
  return z.NEVER;
});

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: cursor.optional(),
  after: cursor.optional(),
}).refine((q) => q.before === undefined || q.after === undefined, {
  message: "give before or after, not both",
  path: ["after"],
});

export const MarkReadBody = z.object({ message_id: domain(MessageId.parse) }).openapi("MarkRead");

export const ReadStateJson = z.object({
  channel_id: z.uuid(),
  unread_count: z.number().int(),
  last_read_id: z.uuid().nullable(),
}).openapi("ReadState");

/** A channel of `?member=me` with the caller's unread state in it. */
export function withReadState(json: ChannelJson, summary: ReadSummary | undefined): ChannelJson {
  if (summary === undefined) return json;
  const last = summary.lastMessage;
  return {
    ...json,
    unread_count: summary.unreadCount,
    last_message: last === null ? null : {
      id: last.id,
      user_id: last.userId,
      preview: last.preview,
      timestamp: last.at.toISOString(),
    },
    last_read_id: summary.lastReadId,
  };
}

export const AddMemberBody = z.object({ user_id: userId }).openapi("AddMember");

export const SendMessageBody = z.object({
  content: domain(MessageContent.parse),
  client_id: domain(ClientId.parse).optional(),
  /** A message id of the same channel this one answers. */
  reply_to: domain((raw) => MessageId.parse(raw, "reply_to")).optional(),
}).openapi("SendMessage");

export const EditMessageBody = z.object({
  content: domain(MessageContent.parse),
}).openapi("EditMessage");

export const ChannelJson = z.object({
  id: z.uuid(),
  type: z.enum(["public", "private", "direct"]),
  name: z.string().optional(),
  description: z.string().nullable().optional(),
  created_by: z.uuid(),
  created_at: z.string(),
  members: z.array(z.uuid()).optional(),
  /** `?member=me` only: messages after your read marker, exact to 99 (100: 100 or more). */
  unread_count: z.number().int().optional(),
  /** `?member=me` only: the newest message (null: none yet). */
  last_message: z.object({
    id: z.uuid(),
    user_id: z.uuid(),
    preview: z.string(),
    timestamp: z.string(),
  }).nullable().optional(),
  /** `?member=me` only: the newest message you have read here (null: none). */
  last_read_id: z.uuid().nullable().optional(),
}).openapi("Channel");
export type ChannelJson = z.infer<typeof ChannelJson>;

export const MessageJson = z.object({
  id: z.uuid(),
  channel_id: z.uuid(),
  user_id: z.uuid(),
  username: z.string().nullable(),
  content: z.string(),
  timestamp: z.string(),
  client_id: z.string().optional(),
  edited_at: z.string().nullable(),
  reactions: z.array(z.object({ emoji: z.string(), count: z.number().int(), me: z.boolean() })),
  reply_to: z.object({
    id: z.uuid(),
    deleted: z.boolean(),
    user_id: z.uuid().nullable(),
    username: z.string().nullable(),
    preview: z.string().nullable(),
  }).nullable(),
}).openapi("Message");
export type MessageJson = z.infer<typeof MessageJson>;

export const ErrorJson = z.object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error");

/** The HTTP body of a channel; the WebSocket's sidebar frames carry the same fields. */
export const toChannelJson: (channel: Channel) => ChannelJson = toWireChannel;

/** The HTTP body of a message; the WebSocket frame carries the same fields. */
export const toMessageJson: (m: MessageView) => MessageJson = toWireMessage;
