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
  CHAT_MESSAGE_SHARD_COUNT,
  CHAT_TYPING_TOPIC,
  ChatEvent,
  PRESENCE_CHANGES_TOPIC,
  PRESENCE_REPORTS_TOPIC,
  PresenceEvent,
  PresenceReport,
  USER_EVENTS_TOPIC,
  UserEvent,
} from "./events/mod.ts";
import { ClientFrame, ServerFrame } from "./websocket/frames.ts";

/** What a schema cannot say about a message, per type: a frame or event added to a union and not here breaks the build. */
type Summaries<T extends string> = { readonly [Type in T]: string };

export const CLIENT_FRAMES: Summaries<ClientFrame["type"]> = {
  subscribe: "Start receiving a channel's messages; with `after`, replay what was missed first.",
  unsubscribe: "Stop receiving a channel's messages.",
  send_message: "Send a message; `client_id` makes a retried send store and deliver one message.",
  ping: "Application-level heartbeat; answered with `pong`.",
  typing: "The user is typing in a channel they may read; at most one per 2 s is forwarded.",
  set_status: "This connection's declared status: `away` when hidden or idle, `online` when back.",
  mark_read: "The user has read a channel up to a message; markers only move forward.",
};

export const SERVER_FRAMES: Summaries<ServerFrame["type"]> = {
  subscribed: "The subscription is live.",
  unsubscribed: "The subscription has ended.",
  pong: "The answer to `ping`.",
  new_message: "A message in a subscribed channel (the sender's own included), or a replayed one.",
  message_deleted: "A message of a subscribed channel was deleted.",
  message_edited:
    "A message of a subscribed channel was edited (live, or replayed by `subscribe` with `after`).",
  reaction_added:
    "Someone reacted to a message of a subscribed channel; `count` is the emoji's count.",
  reaction_removed: "Someone took their reaction back; `count` is the emoji's count now.",
  error: "A frame was refused or failed; `ref` echoes the client frame's `ref`.",
  presence:
    "A user sharing a subscribed private or direct channel changed status; once per change.",
  typing: "Another user is typing in a subscribed channel (never the socket's own user).",
  mention:
    "The socket's user was mentioned: on every socket of theirs, subscribed to the channel or not.",
  channel_added: "To every socket of a user, unasked: they were added to a private channel, " +
    "created one, or a direct channel with them was opened.",
  channel_removed:
    "To every socket of a user, unasked: they left or were removed from a private channel.",
  channel_created: "To every socket, unasked: a public channel was created.",
  read: "To every socket of a user, unasked: their read marker in a channel moved (any device).",
};

export const USER_EVENTS: Summaries<UserEvent["event_type"]> = {
  user_created: "A user registered.",
  user_updated: "A user changed username, email or password.",
  user_deleted: "A user deleted their account.",
  session_ended: "A login session ended; without `session_id`, every session of the user.",
};

export const CHAT_EVENTS: Summaries<ChatEvent["event_type"]> = {
  message_sent: "A message was stored.",
  message_deleted: "A message was deleted by its author.",
  message_edited: "A message's content was edited by its author.",
  reaction_added: "A user reacted to a message with an emoji.",
  reaction_removed: "A user took a reaction back.",
  channel_created:
    "A channel was created (a direct channel has no name; private and direct ones list their members).",
  member_added: "A member added a user to a private channel.",
  member_removed: "A user left a private channel, or its creator removed them.",
  read_marked: "A user's read marker in a channel moved forward.",
};

export const PRESENCE_EVENTS: Summaries<PresenceEvent["event_type"]> = {
  connection_opened: "A WebSocket connection opened.",
  connection_closed: "A WebSocket connection closed.",
  connection_status_set:
    "A connection declared online or away (`set_status`), or its user was active.",
  instance_heartbeat: "An instance's open connections (at most 1000 per record), every 10 s.",
  presence_changed: "presence-service decided a transition.",
  user_typing: "A user is typing in a channel (never stored).",
};

/** A member of a union tagged by `Tag`, as zod (or zod/mini) builds it: its tag field is a literal. */
type TaggedSchema<Tag extends string> = z.core.$ZodType & {
  readonly shape: {
    readonly [T in Tag]: { readonly def: { readonly values: readonly unknown[] } };
  };
};

/** A union's schemas by tag value: each schema is named once, in its union. */
function schemasByTag<Tag extends string>(
  tag: Tag,
  options: readonly TaggedSchema<Tag>[],
): Map<string, z.core.$ZodType> {
  return new Map(options.map((schema) => [String(schema.shape[tag].def.values[0]), schema]));
}

const SCHEMAS = {
  client: schemasByTag("type", ClientFrame.def.options),
  server: schemasByTag("type", ServerFrame.def.options),
  user: schemasByTag("event_type", UserEvent.options),
  chat: schemasByTag("event_type", ChatEvent.options),
  presence: schemasByTag("event_type", PresenceEvent.options),
};

type Json = Record<string, unknown>;

/** A payload as JSON Schema draft-07, which AsyncAPI's default schema format extends. */
function payloadOf(schema: z.core.$ZodType): Json {
  const { $schema: _dialect, ...payload } = toJSONSchema(schema, { target: "draft-07" });
  return payload;
}

const ref = (path: string) => ({ $ref: `#/${path}` });
const UUID_KEY = { type: "string", format: "uuid" };

/**
 * A Kafka topic (or the shards of one): what it carries, from which family of events, and
 * who sends and who receives it (one `publish_`/`consume_` operation pair each).
 */
interface KafkaChannel {
  readonly address: string;
  readonly title: string;
  readonly description: string;
  readonly parameters?: Json;
  readonly family: "user" | "chat" | "presence";
  readonly types: readonly string[];
  /** What the record key is (a UUID); absent: the key is not a UUID (an instance id). */
  readonly key?: string;
  /** The operations' names: `publish_<operations>` and `consume_<operations>`. */
  readonly operations: string;
  readonly sender: string;
  readonly receiver: string;
}

const presenceReportTypes = PresenceReport.options.map((o) => o.shape.event_type.value);

const KAFKA_CHANNELS: Record<string, KafkaChannel> = {
  userEvents: {
    address: USER_EVENTS_TOPIC,
    title: "user-events",
    description: "Every change of a user, keyed by user_id (one user's events stay in order).",
    family: "user",
    types: Object.keys(USER_EVENTS),
    key: "The user's id (user_id).",
    operations: "user_events",
    sender: "user-service's outbox relay",
    receiver: "chat-service's replica",
  },
  chatMessages: {
    address: "chat.messages.{shard}",
    title: "chat.messages.{shard}",
    description:
      `${CHAT_MESSAGE_SHARD_COUNT} topics, keyed by channel_id; a channel's shard is its UUID ` +
      `read as a 128-bit unsigned integer modulo ${CHAT_MESSAGE_SHARD_COUNT} (its last hex digit).`,
    parameters: {
      shard: {
        description: "The channel's shard.",
        enum: Array.from({ length: CHAT_MESSAGE_SHARD_COUNT }, (_, shard) => String(shard)),
      },
    },
    family: "chat",
    types: Object.keys(CHAT_EVENTS),
    key: "The channel's id (channel_id).",
    operations: "chat_events",
    sender: "chat-service",
    receiver: "every instance",
  },
  presenceReports: {
    address: PRESENCE_REPORTS_TOPIC,
    title: PRESENCE_REPORTS_TOPIC,
    description: "chat-service instances' WebSocket lifecycle, keyed by instance_id " +
      "(an instance's reports stay in order), read by presence-service.",
    family: "presence",
    types: presenceReportTypes,
    operations: "presence_reports",
    sender: "chat-service",
    receiver: "presence-service",
  },
  presenceChanges: {
    address: PRESENCE_CHANGES_TOPIC,
    title: PRESENCE_CHANGES_TOPIC,
    description: "presence-service's transitions, keyed by user_id, read by every instance.",
    family: "presence",
    types: ["presence_changed"],
    key: "The user's id (user_id).",
    operations: "presence_changes",
    sender: "presence-service",
    receiver: "every instance",
  },
  chatTyping: {
    address: CHAT_TYPING_TOPIC,
    title: CHAT_TYPING_TOPIC,
    description: "Typing notices between chat-service instances, keyed by channel_id.",
    family: "presence",
    types: ["user_typing"],
    key: "The channel's id (channel_id).",
    operations: "typing",
    sender: "chat-service",
    receiver: "every instance",
  },
};

const SUMMARIES = {
  client: CLIENT_FRAMES,
  server: SERVER_FRAMES,
  user: USER_EVENTS,
  chat: CHAT_EVENTS,
  presence: PRESENCE_EVENTS,
};

/** Builds the document; `info.version` follows the services' own. */
export function buildAsyncApiDocument(): Json {
  const messages: Json = {};
  const channelMessages = (
    family: keyof typeof SCHEMAS,
    types: readonly string[],
    key?: string,
  ) => {
    const summaries: Readonly<Record<string, string>> = SUMMARIES[family];
    const inChannel: Json = {};
    for (const type of types) {
      const schema = SCHEMAS[family].get(type);
      if (schema === undefined) throw new Error(`no ${family} schema tagged ${type}`);
      const name = `${family}.${type}`;
      messages[name] = {
        name: type,
        title: type,
        summary: summaries[type],
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

  const channels: Json = {
    websocket: {
      address: "/ws",
      title: "chat-service WebSocket",
      description:
        "One connection per client, many channel subscriptions. JSON text frames tagged by `type`. " +
        "The token is checked before the upgrade: a missing or invalid one gets a plain 401.",
      servers: [ref("servers/chat-service")],
      messages: {
        ...channelMessages("client", Object.keys(CLIENT_FRAMES)),
        ...channelMessages("server", Object.keys(SERVER_FRAMES)),
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
  };
  for (const [id, topic] of Object.entries(KAFKA_CHANNELS)) {
    channels[id] = {
      address: topic.address,
      title: topic.title,
      description: topic.description,
      servers: [ref("servers/kafka")],
      ...(topic.parameters === undefined ? {} : { parameters: topic.parameters }),
      messages: channelMessages(topic.family, topic.types, topic.key),
    };
  }

  const operations: Json = {};
  const operation = (
    id: string,
    action: "send" | "receive",
    channel: string,
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
  for (const [type, summary] of Object.entries(CLIENT_FRAMES)) {
    operation(`receive_${type}`, "receive", "websocket", [type], summary);
  }
  for (const [type, summary] of Object.entries(SERVER_FRAMES)) {
    operation(`send_${type}`, "send", "websocket", [type], summary);
  }
  for (const [id, topic] of Object.entries(KAFKA_CHANNELS)) {
    operation(`publish_${topic.operations}`, "send", id, topic.types, topic.sender);
    operation(`consume_${topic.operations}`, "receive", id, topic.types, topic.receiver);
  }

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
