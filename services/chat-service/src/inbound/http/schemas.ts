/** Request and response shapes of the chat API; they validate requests and generate /openapi.json. */
import { z } from "@hono/zod-openapi";
import {
  type Channel,
  CHANNEL_NAME_PATTERN,
  CHANNEL_NAME_RULE,
  DESCRIPTION_MAX_LENGTH,
} from "../../domain/channel/models.ts";
import type { HistoryCursor, MessageView } from "../../domain/message/models.ts";
import { toWireMessage } from "../message_wire.ts";
import type { MessageId } from "../../domain/ids.ts";

export const CreateChannelBody = z.discriminatedUnion("channel_type", [
  z.object({
    channel_type: z.enum(["public", "private"]),
    name: z.string().regex(CHANNEL_NAME_PATTERN, CHANNEL_NAME_RULE),
    description: z.string().max(DESCRIPTION_MAX_LENGTH).optional(),
  }),
  z.object({ channel_type: z.literal("direct"), participant_id: z.uuid("must be a UUID") }),
], { error: "channel_type: must be one of public, private, direct" }).openapi("CreateChannel");

export const ChannelIdParam = z.object({
  id: z.uuid("must be a UUID").openapi({ param: { name: "id", in: "path" } }),
});
export const MemberParams = z.object({
  id: z.uuid("must be a UUID").openapi({ param: { name: "id", in: "path" } }),
  user_id: z.uuid("must be a UUID").openapi({ param: { name: "user_id", in: "path" } }),
});
export const MessageParams = z.object({
  id: z.uuid("must be a UUID").openapi({ param: { name: "id", in: "path" } }),
  message_id: z.uuid("must be a UUID").openapi({ param: { name: "message_id", in: "path" } }),
});

export const ListChannelsQuery = z.object({
  member: z.literal("me").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
  after: z.string().max(100).optional(),
});

const TIME_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const cursor = z.string().refine(
  (s) => TIME_UUID.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success,
  "must be an RFC 3339 time or a message id",
);

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: cursor.optional(),
  after: cursor.optional(),
}).refine((q) => q.before === undefined || q.after === undefined, {
  message: "give before or after, not both",
  path: ["after"],
});

export function toCursor(raw: string | undefined): HistoryCursor | undefined {
  if (raw === undefined) return undefined;
  return TIME_UUID.test(raw)
    ? { kind: "message", id: raw.toLowerCase() as MessageId }
    : { kind: "time", at: new Date(raw) };
}

export const AddMemberBody = z.object({ user_id: z.uuid("must be a UUID") }).openapi("AddMember");

export const SendMessageBody = z.object({
  content: z.string(),
  client_id: z.string().min(1).max(100).optional(),
}).openapi("SendMessage");

export const ChannelJson = z.object({
  id: z.uuid(),
  type: z.enum(["public", "private", "direct"]),
  name: z.string().optional(),
  description: z.string().nullable().optional(),
  created_by: z.uuid(),
  created_at: z.string(),
  members: z.array(z.uuid()).optional(),
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
}).openapi("Message");
export type MessageJson = z.infer<typeof MessageJson>;

export const ErrorJson = z.object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error");

export function toChannelJson(channel: Channel): ChannelJson {
  const base = {
    id: channel.id,
    type: channel.type,
    created_by: channel.createdBy,
    created_at: channel.createdAt.toISOString(),
  };
  switch (channel.type) {
    case "public":
      return { ...base, name: channel.name, description: channel.description };
    case "private":
      return {
        ...base,
        name: channel.name,
        description: channel.description,
        members: [...channel.members],
      };
    case "direct":
      return { ...base, members: [...channel.members] };
    default: {
      const unknown: never = channel;
      return unknown;
    }
  }
}

/** The HTTP body of a message; the WebSocket frame carries the same fields. */
export const toMessageJson: (m: MessageView) => MessageJson = toWireMessage;
