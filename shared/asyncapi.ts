/**
 * The AsyncAPI 3.0 document of chat-ts: the WebSocket frames of `/ws` and the
 * Kafka topics, with every payload generated from the zod schemas that parse
 * them (`@chat-ts/shared/websocket`, `@chat-ts/shared/events`), so the
 * document cannot describe a frame or an event the code does not. chat-service
 * serves it at `GET /asyncapi.json`; docs/websocket.md and docs/events.md say
 * what a schema cannot (ordering, limits, close codes, idempotency).
 *
 * The operations are the platform's point of view: it receives client frames
 * and sends server frames; it sends and receives every Kafka event.
 */
import type { Context } from "hono";
import { toJSONSchema, z } from "zod";
import {
  ChannelCreated,
  CHAT_MESSAGE_SHARD_COUNT,
  CHAT_TYPING_TOPIC,
  type ChatEvent,
  ConnectionClosed,
  ConnectionOpened,
  ConnectionStatusSet,
  InstanceHeartbeat,
  MemberAdded,
  MemberRemoved,
  MessageDeleted,
  MessageEdited,
  MessageSent,
  PRESENCE_CHANGES_TOPIC,
  PRESENCE_REPORTS_TOPIC,
  PresenceChanged,
  type PresenceEvent,
  ReactionAdded,
  ReactionRemoved,
  ReadMarked,
  SessionEnded,
  USER_EVENTS_TOPIC,
  UserCreated,
  UserDeleted,
  type UserEvent,
  UserTyping,
  UserUpdated,
} from "./events/mod.ts";
import {
  ChannelAddedFrame,
  ChannelCreatedFrame,
  ChannelRemovedFrame,
  type ClientFrame,
  ErrorFrame,
  MarkReadFrame,
  MentionFrame,
  MessageDeletedFrame,
  MessageEditedFrame,
  NewMessageFrame,
  PingFrame,
  PongFrame,
  PresenceFrame,
  ReactionAddedFrame,
  ReactionRemovedFrame,
  ReadFrame,
  SendMessageFrame,
  type ServerFrame,
  SetStatusFrame,
  SubscribedFrame,
  SubscribeFrame,
  TypingFrame,
  UnsubscribedFrame,
  UnsubscribeFrame,
  UserTypingFrame,
} from "./websocket/frames.ts";

interface Described {
  readonly schema: z.core.$ZodType;
  readonly summary: string;
}

/** One entry per type: a frame or event added to a union and not here breaks the build. */
export const CLIENT_FRAMES: { readonly [T in ClientFrame["type"]]: Described } = {
  subscribe: {
    schema: SubscribeFrame,
    summary: "Start receiving a channel's messages; with `after`, replay what was missed first.",
  },
  unsubscribe: { schema: UnsubscribeFrame, summary: "Stop receiving a channel's messages." },
  send_message: {
    schema: SendMessageFrame,
    summary: "Send a message; `client_id` makes a retried send store and deliver one message.",
  },
  ping: { schema: PingFrame, summary: "Application-level heartbeat; answered with `pong`." },
  typing: {
    schema: TypingFrame,
    summary: "The user is typing in a channel they may read; at most one per 2 s is forwarded.",
  },
  set_status: {
    schema: SetStatusFrame,
    summary: "This connection's declared status: `away` when hidden or idle, `online` when back.",
  },
  mark_read: {
    schema: MarkReadFrame,
    summary: "The user has read a channel up to a message; markers only move forward.",
  },
};

export const SERVER_FRAMES: { readonly [T in ServerFrame["type"]]: Described } = {
  subscribed: { schema: SubscribedFrame, summary: "The subscription is live." },
  unsubscribed: { schema: UnsubscribedFrame, summary: "The subscription has ended." },
  pong: { schema: PongFrame, summary: "The answer to `ping`." },
  new_message: {
    schema: NewMessageFrame,
    summary: "A message in a subscribed channel (the sender's own included), or a replayed one.",
  },
  message_deleted: {
    schema: MessageDeletedFrame,
    summary: "A message of a subscribed channel was deleted.",
  },
  message_edited: {
    schema: MessageEditedFrame,
    summary:
      "A message of a subscribed channel was edited (live, or replayed by `subscribe` with `after`).",
  },
  reaction_added: {
    schema: ReactionAddedFrame,
    summary: "Someone reacted to a message of a subscribed channel; `count` is the emoji's count.",
  },
  reaction_removed: {
    schema: ReactionRemovedFrame,
    summary: "Someone took their reaction back; `count` is the emoji's count now.",
  },
  error: {
    schema: ErrorFrame,
    summary: "A frame was refused or failed; `ref` echoes the client frame's `ref`.",
  },
  presence: {
    schema: PresenceFrame,
    summary:
      "A user sharing a subscribed private or direct channel changed status; once per change.",
  },
  typing: {
    schema: UserTypingFrame,
    summary: "Another user is typing in a subscribed channel (never the socket's own user).",
  },
  mention: {
    schema: MentionFrame,
    summary:
      "The socket's user was mentioned: on every socket of theirs, subscribed to the channel or not.",
  },
  channel_added: {
    schema: ChannelAddedFrame,
    summary:
      "To every socket of a user, unasked: they were added to a private channel, created one, " +
      "or a direct channel with them was opened.",
  },
  channel_removed: {
    schema: ChannelRemovedFrame,
    summary:
      "To every socket of a user, unasked: they left or were removed from a private channel.",
  },
  channel_created: {
    schema: ChannelCreatedFrame,
    summary: "To every socket, unasked: a public channel was created.",
  },
  read: {
    schema: ReadFrame,
    summary:
      "To every socket of a user, unasked: their read marker in a channel moved (any device).",
  },
};

export const USER_EVENTS: { readonly [T in UserEvent["event_type"]]: Described } = {
  user_created: { schema: UserCreated, summary: "A user registered." },
  user_updated: { schema: UserUpdated, summary: "A user changed username, email or password." },
  user_deleted: { schema: UserDeleted, summary: "A user deleted their account." },
  session_ended: {
    schema: SessionEnded,
    summary: "A login session ended; without `session_id`, every session of the user.",
  },
};

export const CHAT_EVENTS: { readonly [T in ChatEvent["event_type"]]: Described } = {
  message_sent: { schema: MessageSent, summary: "A message was stored." },
  message_deleted: { schema: MessageDeleted, summary: "A message was deleted by its author." },
  message_edited: {
    schema: MessageEdited,
    summary: "A message's content was edited by its author.",
  },
  reaction_added: { schema: ReactionAdded, summary: "A user reacted to a message with an emoji." },
  reaction_removed: { schema: ReactionRemoved, summary: "A user took a reaction back." },
  channel_created: {
    schema: ChannelCreated,
    summary:
      "A channel was created (a direct channel has no name; private and direct ones list their members).",
  },
  member_added: { schema: MemberAdded, summary: "A member added a user to a private channel." },
  member_removed: {
    schema: MemberRemoved,
    summary: "A user left a private channel, or its creator removed them.",
  },
  read_marked: {
    schema: ReadMarked,
    summary: "A user's read marker in a channel moved forward.",
  },
};

export const PRESENCE_EVENTS: { readonly [T in PresenceEvent["event_type"]]: Described } = {
  connection_opened: { schema: ConnectionOpened, summary: "A WebSocket connection opened." },
  connection_closed: { schema: ConnectionClosed, summary: "A WebSocket connection closed." },
  connection_status_set: {
    schema: ConnectionStatusSet,
    summary: "A connection declared online or away (`set_status`), or its user was active.",
  },
  instance_heartbeat: {
    schema: InstanceHeartbeat,
    summary: "An instance's open connections (at most 1000 per record), every 10 s.",
  },
  presence_changed: { schema: PresenceChanged, summary: "presence-service decided a transition." },
  user_typing: { schema: UserTyping, summary: "A user is typing in a channel (never stored)." },
};

const PRESENCE_REPORT_TYPES = [
  "connection_opened",
  "connection_closed",
  "connection_status_set",
  "instance_heartbeat",
] as const;

type Json = Record<string, unknown>;

/** A payload as JSON Schema draft-07, which AsyncAPI's default schema format extends. */
function payloadOf(schema: z.core.$ZodType): Json {
  const { $schema: _dialect, ...payload } = toJSONSchema(schema, { target: "draft-07" });
  return payload;
}

const ref = (path: string) => ({ $ref: `#/${path}` });
const UUID_KEY = { type: "string", format: "uuid" };

/** Builds the document; `info.version` follows the services' own. */
export function buildAsyncApiDocument(): Json {
  const messages: Json = {};
  const channelMessages = (prefix: string, entries: Record<string, Described>, key?: string) => {
    const inChannel: Json = {};
    for (const [type, { schema, summary }] of Object.entries(entries)) {
      const name = `${prefix}.${type}`;
      messages[name] = {
        name: type,
        title: type,
        summary,
        contentType: "application/json",
        payload: payloadOf(schema),
        ...(key === undefined
          ? {}
          : { bindings: { kafka: { key: { ...UUID_KEY, description: key } } } }),
      };
      inChannel[type] = ref(`components/messages/${name}`);
    }
    return inChannel;
  };

  const channels = {
    websocket: {
      address: "/ws",
      title: "chat-service WebSocket",
      description:
        "One connection per client, many channel subscriptions. JSON text frames tagged by `type`. " +
        "The token is checked before the upgrade: a missing or invalid one gets a plain 401.",
      servers: [ref("servers/chat-service")],
      messages: {
        ...channelMessages("client", CLIENT_FRAMES),
        ...channelMessages("server", SERVER_FRAMES),
      },
      bindings: {
        ws: {
          method: "GET",
          query: {
            type: "object",
            properties: { token: { type: "string", description: "The JWT from login." } },
            required: ["token"],
          },
        },
      },
    },
    userEvents: {
      address: USER_EVENTS_TOPIC,
      title: "user-events",
      description: "Every change of a user, keyed by user_id (one user's events stay in order).",
      servers: [ref("servers/kafka")],
      messages: channelMessages("user", USER_EVENTS, "The user's id (user_id)."),
    },
    chatMessages: {
      address: "chat.messages.{shard}",
      title: "chat.messages.{shard}",
      description:
        `${CHAT_MESSAGE_SHARD_COUNT} topics, keyed by channel_id; a channel's shard is its UUID ` +
        `read as a 128-bit unsigned integer modulo ${CHAT_MESSAGE_SHARD_COUNT} (its last hex digit).`,
      servers: [ref("servers/kafka")],
      parameters: {
        shard: {
          description: "The channel's shard.",
          enum: Array.from({ length: CHAT_MESSAGE_SHARD_COUNT }, (_, shard) => String(shard)),
        },
      },
      messages: channelMessages("chat", CHAT_EVENTS, "The channel's id (channel_id)."),
    },
    presenceReports: {
      address: PRESENCE_REPORTS_TOPIC,
      title: PRESENCE_REPORTS_TOPIC,
      description: "chat-service instances' WebSocket lifecycle, keyed by instance_id " +
        "(an instance's reports stay in order), read by presence-service.",
      servers: [ref("servers/kafka")],
      messages: channelMessages(
        "presence",
        Object.fromEntries(PRESENCE_REPORT_TYPES.map((t) => [t, PRESENCE_EVENTS[t]])),
      ),
    },
    presenceChanges: {
      address: PRESENCE_CHANGES_TOPIC,
      title: PRESENCE_CHANGES_TOPIC,
      description: "presence-service's transitions, keyed by user_id, read by every instance.",
      servers: [ref("servers/kafka")],
      messages: channelMessages(
        "presence",
        { presence_changed: PRESENCE_EVENTS.presence_changed },
        "The user's id (user_id).",
      ),
    },
    chatTyping: {
      address: CHAT_TYPING_TOPIC,
      title: CHAT_TYPING_TOPIC,
      description: "Typing notices between chat-service instances, keyed by channel_id.",
      servers: [ref("servers/kafka")],
      messages: channelMessages(
        "presence",
        { user_typing: PRESENCE_EVENTS.user_typing },
        "The channel's id (channel_id).",
      ),
    },
  };

  const operations: Json = {};
  const operation = (
    id: string,
    action: "send" | "receive",
    channel: keyof typeof channels,
    types: readonly string[],
    summary: string,
  ) => {
    operations[id] = {
      action,
      channel: ref(`channels/${channel}`),
      summary,
      messages: types.map((type) => ref(`channels/${channel}/messages/${type}`)),
    };
  };
  for (const [type, { summary }] of Object.entries(CLIENT_FRAMES)) {
    operation(`receive_${type}`, "receive", "websocket", [type], summary);
  }
  for (const [type, { summary }] of Object.entries(SERVER_FRAMES)) {
    operation(`send_${type}`, "send", "websocket", [type], summary);
  }
  const userTypes = Object.keys(USER_EVENTS);
  const chatTypes = Object.keys(CHAT_EVENTS);
  operation("publish_user_events", "send", "userEvents", userTypes, "user-service's outbox relay");
  operation("consume_user_events", "receive", "userEvents", userTypes, "chat-service's replica");
  operation("publish_chat_events", "send", "chatMessages", chatTypes, "chat-service");
  operation("consume_chat_events", "receive", "chatMessages", chatTypes, "every instance");
  operation(
    "publish_presence_reports",
    "send",
    "presenceReports",
    PRESENCE_REPORT_TYPES,
    "chat-service",
  );
  operation(
    "consume_presence_reports",
    "receive",
    "presenceReports",
    PRESENCE_REPORT_TYPES,
    "presence-service",
  );
  operation(
    "publish_presence_changes",
    "send",
    "presenceChanges",
    ["presence_changed"],
    "presence-service",
  );
  operation(
    "consume_presence_changes",
    "receive",
    "presenceChanges",
    ["presence_changed"],
    "every instance",
  );
  operation("publish_typing", "send", "chatTyping", ["user_typing"], "chat-service");
  operation("consume_typing", "receive", "chatTyping", ["user_typing"], "every instance");

  return {
    asyncapi: "3.0.0",
    info: {
      title: "chat-ts",
      version: "0.1.0",
      description:
        "The WebSocket protocol of chat-service and the Kafka events between the services. " +
        "Prose: docs/websocket.md and docs/events.md in the repository.",
    },
    defaultContentType: "application/json",
    servers: {
      "chat-service": {
        host: "localhost:3002",
        protocol: "ws",
        description: "chat-service (use wss behind TLS; the embedded mode serves /ws too)",
        security: [ref("components/securitySchemes/accessToken")],
      },
      // No scheme: the deployment's Kafka is on the internal network, without authentication.
      kafka: { host: "localhost:9092", protocol: "kafka", description: "The deployment's Kafka" },
    },
    channels,
    operations,
    components: {
      messages,
      securitySchemes: {
        accessToken: {
          type: "httpApiKey",
          name: "token",
          in: "query",
          description:
            "The access token from login, checked before the upgrade (docs/websocket.md)",
        },
      },
    },
  };
}

let built: Json | undefined;

/** `GET /asyncapi.json`: the document, built once. */
export function asyncApiHandler(c: Context): Response {
  built ??= buildAsyncApiDocument();
  return c.json(built);
}
