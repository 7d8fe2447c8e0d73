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
  type ChatEvent,
  MessageDeleted,
  MessageEdited,
  MessageSent,
  ReactionAdded,
  ReactionRemoved,
  USER_EVENTS_TOPIC,
  UserCreated,
  UserDeleted,
  type UserEvent,
  UserUpdated,
} from "./events/mod.ts";
import {
  type ClientFrame,
  ErrorFrame,
  MessageDeletedFrame,
  MessageEditedFrame,
  NewMessageFrame,
  PingFrame,
  PongFrame,
  ReactionAddedFrame,
  ReactionRemovedFrame,
  SendMessageFrame,
  type ServerFrame,
  SubscribedFrame,
  SubscribeFrame,
  UnsubscribedFrame,
  UnsubscribeFrame,
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
};

export const USER_EVENTS: { readonly [T in UserEvent["event_type"]]: Described } = {
  user_created: { schema: UserCreated, summary: "A user registered." },
  user_updated: { schema: UserUpdated, summary: "A user changed username, email or password." },
  user_deleted: { schema: UserDeleted, summary: "A user deleted their account." },
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
    summary: "A channel was created (a direct channel has no name).",
  },
};

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
      },
      kafka: { host: "localhost:9092", protocol: "kafka", description: "The deployment's Kafka" },
    },
    channels,
    operations,
    components: { messages },
  };
}

let built: Json | undefined;

/** `GET /asyncapi.json`: the document, built once. */
export function asyncApiHandler(c: Context): Response {
  built ??= buildAsyncApiDocument();
  return c.json(built);
}
