/**
 * Request and response shapes of the chat API; they validate requests and
 * generate /openapi.json. Request fields come out as the domain's branded
 * values, through the domain's own smart constructors (one rule, one text).
 */
import { z } from "@hono/zod-openapi";
import type { Result } from "@chat-ts/shared/result";
import {
  type Channel,
  CHANNEL_NAME_PATTERN,
  ChannelDescription,
  ChannelName,
  DESCRIPTION_MAX_LENGTH,
} from "../../domain/channel/models.ts";
import { ChannelId, MessageId, TIME_UUID_PATTERN, UserId } from "../../domain/ids.ts";
import {
  CLIENT_ID_MAX_LENGTH,
  ClientId,
  CONTENT_MAX_LENGTH,
  type HistoryCursor,
  MessageContent,
  type MessageView,
} from "../../domain/message/models.ts";
import { SHORTCODES } from "../../domain/message/reactions.ts";
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

// The OpenAPI annotations describe what the smart constructors check.
const uuid = { type: "string", format: "uuid" } as const;
const channelId = domain(ChannelId.parse).openapi(uuid);
const userId = domain(UserId.parse).openapi(uuid);
/**
 * Message text: 1–4000 characters once trimmed, so at least one that JavaScript's `trim` keeps
 * (its whitespace set spelled out: `\s` differs between regex engines).
 */
const content = domain(MessageContent.parse).openapi({
  type: "string",
  minLength: 1,
  maxLength: CONTENT_MAX_LENGTH,
  pattern:
    "[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]",
});

export const CreateChannelBody = z.discriminatedUnion("channel_type", [
  z.object({
    channel_type: z.enum(["public", "private"]),
    name: domain(ChannelName.parse).openapi({
      type: "string",
      pattern: CHANNEL_NAME_PATTERN.source,
    }),
    description: domain(ChannelDescription.parse).openapi({
      type: "string",
      maxLength: DESCRIPTION_MAX_LENGTH,
    }).optional(),
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
  emoji: pathParam(
    z.string().openapi({
      type: "string",
      // The shortcodes, the one part of the rule a pattern can say; one RGI emoji is also taken.
      pattern: `^:?(${
        Object.keys(SHORTCODES).map((code) => code.replace(/[+-]/g, "\\$&")).join("|")
      }):?$`,
      description: "One emoji (Unicode RGI), or a shortcode of the list, with or without colons",
    }),
    "emoji",
  ),
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

/** A message id or an RFC 3339 time in the years 0001–9999. */
const documentedCursor = cursor.openapi({
  type: "string",
  anyOf: [{ pattern: TIME_UUID_PATTERN }, {
    format: "date-time",
    pattern: "^([1-9]|0[1-9]|00[1-9]|000[1-9])",
  }],
});

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: documentedCursor.optional(),
  after: documentedCursor.optional(),
}).refine((q) => q.before === undefined || q.after === undefined, {
  message: "give before or after, not both",
  path: ["after"],
});

export const MarkReadBody = z.object({
  /** A message of the channel: the newest one read. */
  message_id: domain((raw) => MessageId.parse(raw, "message_id")).openapi({
    type: "string",
    pattern: TIME_UUID_PATTERN,
  }),
}).openapi("MarkRead");

export const ReadStateJson = z.object({
  channel_id: z.uuid(),
  unread_count: z.number().int(),
  last_read_id: z.uuid().nullable(),
}).openapi("ReadState");
export type ReadStateJson = z.infer<typeof ReadStateJson>;

/** The caller's read state of a channel, as `POST /api/channels/{id}/read` answers it. */
export const toReadStateJson = (summary: ReadSummary): ReadStateJson => ({
  channel_id: summary.channelId,
  unread_count: summary.unreadCount,
  last_read_id: summary.lastReadId,
});

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
  content,
  client_id: domain(ClientId.parse).openapi({
    type: "string",
    minLength: 1,
    maxLength: CLIENT_ID_MAX_LENGTH,
  }).optional(),
  /** A message id of the same channel this one answers. */
  reply_to: domain((raw) => MessageId.parse(raw, "reply_to")).openapi({
    type: "string",
    pattern: TIME_UUID_PATTERN,
  }).optional(),
}).openapi("SendMessage");

export const EditMessageBody = z.object({
  content,
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
  /** Users named with `@username` who may read the channel, resolved at send (an edit keeps them). */
  mentions: z.array(z.uuid()),
}).openapi("Message");
export type MessageJson = z.infer<typeof MessageJson>;

export const ErrorJson = z.object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error");

/** The HTTP body of a channel; the WebSocket's sidebar frames carry the same fields. */
export const toChannelJson: (channel: Channel) => ChannelJson = toWireChannel;

/** The HTTP body of a message; the WebSocket frame carries the same fields. */
export const toMessageJson: (m: MessageView) => MessageJson = toWireMessage;
