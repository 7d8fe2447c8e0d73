/**
 * The event ports (chat events out and back in for fan-out; user events from
 * the outbox relay to chat's replica): the in-process bus of the embedded
 * mode and Kafka, with the same envelopes, order and tolerance of bad records.
 */
import assert from "node:assert/strict";
import {
  busEventSource,
  CHAT_MESSAGE_TOPICS,
  CHAT_RECIPIENTS_HEADER,
  consume,
  encodeEvent,
  type EventSource,
  InProcessEventBus,
  recordHeader,
  recordKey,
  USER_EVENTS_TOPIC,
  type UserEvent,
} from "@chat-ts/shared/events";
import { createKafka, kafkaEventSource } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import type { ChannelEventPublisher } from "../../services/chat-service/src/domain/channel/ports.ts";
import type { ChannelId, UserId } from "../../services/chat-service/src/domain/ids.ts";
import {
  CONTENT_MAX_LENGTH,
  type MessageContent,
} from "../../services/chat-service/src/domain/message/models.ts";
import type { MessageEventPublisher } from "../../services/chat-service/src/domain/message/ports.ts";
import type { UserChange } from "../../services/chat-service/src/domain/user/models.ts";
import {
  type ChatEventReceived,
  decodeChatEvent,
} from "../../services/chat-service/src/outbound/envelopes/chat_envelope.ts";
import { decodeUserChange } from "../../services/chat-service/src/outbound/envelopes/user_envelope.ts";
import { KafkaChatEventPublisher } from "../../services/chat-service/src/outbound/kafka/chat_event_publisher.ts";
import { InProcessChatEventPublisher } from "../../services/chat-service/src/outbound/memory/chat_event_publisher.ts";
import { TimeUuidGenerator } from "../../services/chat-service/src/outbound/time_uuid/time_uuid_generator.ts";
import type { UserEventPublisher } from "../../services/user-service/src/domain/user/ports.ts";
import { KafkaUserEventPublisher } from "../../services/user-service/src/outbound/kafka/user_event_publisher.ts";
import { InProcessUserEventPublisher } from "../../services/user-service/src/outbound/memory/user_event_publisher.ts";
import { eventually } from "../support/async.ts";
import { testKafkaBrokers } from "../support/env.ts";
import { contract } from "./support.ts";

interface Events {
  readonly chat: MessageEventPublisher & ChannelEventPublisher;
  readonly users: UserEventPublisher;
  /** What this instance's fan-out and replica subscriptions received. */
  readonly chatEvents: ChatEventReceived[];
  /** The fan-out records' keys and recipients headers, as read before decoding. */
  readonly chatRecords: { key: string | undefined; recipients: string | undefined }[];
  readonly userChanges: UserChange[];
}

const timeUuidGenerator = new TimeUuidGenerator();
const channelOf = (e: ChatEventReceived) =>
  e.type === "message_sent" ? e.message.channelId : e.channelId;
const chatReceived = (events: Events, channelId: string) =>
  events.chatEvents.filter((e) => channelOf(e) === channelId);

/** This instance's fan-out and replica readers, as chat-service's assembly declares them. */
function subscribe(source: EventSource, events: Events, group: string) {
  return Promise.all([
    source.subscribe({
      group: `${group}-chat`,
      owner: "instance",
      topics: CHAT_MESSAGE_TOPICS,
      fromBeginning: false,
      handle: consume(decodeChatEvent, (e) => void events.chatEvents.push(e), {
        logger: silentLogger,
        onFailure: "skip",
        wanted: (record) => {
          const recipients = recordHeader(record, CHAT_RECIPIENTS_HEADER);
          events.chatRecords.push({ key: recordKey(record), recipients });
          return true;
        },
      }),
      fetch: { minBytes: 16 * 1024, maxWaitMs: 20, partitionsConsumedConcurrently: 4 },
    }),
    source.subscribe({
      group: `${group}-users`,
      owner: "instance",
      topics: [USER_EVENTS_TOPIC],
      fromBeginning: false,
      handle: consume(decodeUserChange, (c) => void events.userChanges.push(c), {
        logger: silentLogger,
        onFailure: "retry",
      }),
    }),
  ]);
}
const userReceived = (events: Events, userId: string) =>
  events.userChanges.filter((c) => c.userId === userId);

function userEvent(
  userId: string,
  type: "user_created" | "user_updated",
  username: string,
): UserEvent {
  const at = new Date().toISOString();
  return type === "user_created"
    ? {
      event_type: type,
      event_id: crypto.randomUUID(),
      user_id: userId,
      username,
      email: `${username}@example.com`,
      created_at: at,
    }
    : {
      event_type: type,
      event_id: crypto.randomUUID(),
      user_id: userId,
      username,
      email: `${username}@example.com`,
      updated_at: at,
    };
}

const record = (event: UserEvent) => ({
  eventId: event.event_id,
  userId: event.user_id,
  payload: encodeEvent(event),
});

/** Waits until a probe event makes the round trip: subscriptions are live from here on. */
async function untilLive(events: Events): Promise<void> {
  const probe = crypto.randomUUID();
  await eventually(30_000, "a probe user event to round-trip", async () => {
    await events.users.publish([record(userEvent(probe, "user_created", "probe"))]);
    await new Promise((r) => setTimeout(r, 200));
    return userReceived(events, probe).length > 0 ? true : undefined;
  }, 0);
}

contract<Events>("event bus", [
  {
    name: "in-process",
    async open() {
      const bus = new InProcessEventBus();
      const events: Events = {
        chat: new InProcessChatEventPublisher(bus),
        users: new InProcessUserEventPublisher(bus),
        chatEvents: [],
        chatRecords: [],
        userChanges: [],
      };
      const readers = await subscribe(busEventSource(bus), events, "in-process");
      return {
        subject: events,
        close: async () => void await Promise.all(readers.map((r) => r.stop())),
      };
    },
  },
  {
    name: "kafka",
    async open() {
      const kafka = createKafka({
        brokers: testKafkaBrokers(),
        clientId: "contract-test",
        logger: silentLogger,
      });
      const chat = new KafkaChatEventPublisher(kafka);
      const users = new KafkaUserEventPublisher(kafka);
      const events: Events = { chat, users, chatEvents: [], chatRecords: [], userChanges: [] };
      const group = `contract-test-${crypto.randomUUID()}`;
      const readers = await subscribe(kafkaEventSource(kafka, silentLogger), events, group);
      await untilLive(events);
      return {
        subject: events,
        async close() {
          await Promise.all([...readers.map((r) => r.stop()), chat.close(), users.close()]);
        },
      };
    },
  },
], {
  "message events arrive decoded and in publish order for a channel": async (events) => {
    const channelId = crypto.randomUUID() as ChannelId;
    const userId = crypto.randomUUID() as UserId;
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const at = new Date();
      const message = {
        id: timeUuidGenerator.next(at),
        channelId,
        userId,
        content: `message ${i}` as MessageContent,
        timestamp: at,
      };
      await events.chat.publish({ type: "message_sent", eventId: crypto.randomUUID(), message });
      sent.push(message.id);
    }
    const received = await eventually(20_000, "20 message events", () => {
      const got = chatReceived(events, channelId);
      return got.length >= 20 ? got : undefined;
    });
    assert.deepEqual(
      received.map((e) => e.type === "message_sent" ? e.message.id : "?"),
      sent,
    );
    const first = received[0];
    assert.ok(first.type === "message_sent");
    assert.equal(first.message.content, "message 0");
    assert.equal(first.message.userId, userId);
  },
  "a record carries its channel as key and, in a header, who besides subscribers gets it": async (
    events,
  ) => {
    // What an instance decides from before decoding (docs/events.md): mentioned users (not
    // the author), the user a membership or read marker concerns; nobody else for a reaction.
    const channelId = crypto.randomUUID() as ChannelId;
    const [author, bob, carol] = [0, 1, 2].map(() => crypto.randomUUID() as UserId);
    const at = new Date();
    const message = {
      id: timeUuidGenerator.next(at),
      channelId,
      userId: author,
      content: "@bob @carol" as MessageContent,
      timestamp: at,
      mentions: [bob, carol, author],
    };
    await events.chat.publish({ type: "message_sent", eventId: crypto.randomUUID(), message });
    await events.chat.publishMembership({
      type: "member_added",
      eventId: crypto.randomUUID(),
      channelId,
      userId: carol,
      by: author,
      at,
    });
    await events.chat.publish({
      type: "message_deleted",
      eventId: crypto.randomUUID(),
      channelId,
      messageId: message.id,
      at,
    });
    await eventually(
      20_000,
      "3 records",
      () => chatReceived(events, channelId).length >= 3 ? true : undefined,
    );
    assert.deepEqual(
      events.chatRecords.filter((r) => r.key === channelId).map((r) => r.recipients),
      [`${bob},${carol}`, carol, ""],
    );
  },
  "a burst of large messages all arrive, in publish order": async (events) => {
    // 300 messages of the longest content published at once: over 1 MiB together, more than the
    // broker accepts in one record batch, so they must go in several produce requests.
    const channelId = crypto.randomUUID() as ChannelId;
    const userId = crypto.randomUUID() as UserId;
    const messages = Array.from({ length: 300 }, (_, i) => {
      const at = new Date();
      return {
        id: timeUuidGenerator.next(at),
        channelId,
        userId,
        content: `${i} `.padEnd(CONTENT_MAX_LENGTH, "x") as MessageContent,
        timestamp: at,
      };
    });
    await Promise.all(
      messages.map((message) =>
        events.chat.publish({ type: "message_sent", eventId: crypto.randomUUID(), message })
      ),
    );
    const received = await eventually(30_000, "300 large message events", () => {
      const got = chatReceived(events, channelId);
      return got.length >= messages.length ? got : undefined;
    });
    assert.deepEqual(
      received.map((e) => e.type === "message_sent" ? e.message.id : "?"),
      messages.map((m) => m.id),
    );
  },
  "channel and deletion events carry what subscribers need": async (events) => {
    const channelId = crypto.randomUUID() as ChannelId;
    const creator = crypto.randomUUID() as UserId;
    const at = new Date();
    await events.chat.publishChannelCreated({
      type: "channel_created",
      eventId: crypto.randomUUID(),
      channel: {
        id: channelId,
        type: "direct",
        members: [creator, crypto.randomUUID() as UserId],
        createdBy: creator,
        createdAt: at,
      },
    });
    const messageId = timeUuidGenerator.next(at);
    await events.chat.publish({
      type: "message_deleted",
      eventId: crypto.randomUUID(),
      messageId,
      channelId,
      at,
    });
    const received = await eventually(20_000, "two chat events", () => {
      const got = chatReceived(events, channelId);
      return got.length >= 2 ? got : undefined;
    });
    assert.deepEqual(received.map((e) => e.type), ["channel_created", "message_deleted"]);
    assert.ok(received[1].type === "message_deleted");
    assert.equal(received[1].messageId, messageId);
  },
  "membership events arrive decoded, in order, with who joined or left and who did it": async (
    events,
  ) => {
    const channelId = crypto.randomUUID() as ChannelId;
    const [owner, member] = [crypto.randomUUID() as UserId, crypto.randomUUID() as UserId];
    const at = new Date(Math.floor(Date.now()));
    const base = { channelId, userId: member, at };
    await events.chat.publishMembership({
      type: "member_added",
      eventId: crypto.randomUUID(),
      ...base,
      by: owner,
    });
    await events.chat.publishMembership({
      type: "member_removed",
      eventId: crypto.randomUUID(),
      ...base,
      by: member,
    });
    const received = await eventually(20_000, "two membership events", () => {
      const got = chatReceived(events, channelId);
      return got.length >= 2 ? got : undefined;
    });
    assert.deepEqual(
      received.map((e) =>
        e.type === "member_added" || e.type === "member_removed"
          ? [e.type, e.userId, e.by, e.at.getTime()]
          : [e.type]
      ),
      [["member_added", member, owner, at.getTime()], [
        "member_removed",
        member,
        member,
        at.getTime(),
      ]],
    );
  },
  "user events become replica changes, in order per user": async (events) => {
    const userId = crypto.randomUUID();
    const created = userEvent(userId, "user_created", "ada");
    const updated = userEvent(userId, "user_updated", "ada_l");
    const deleted: UserEvent = {
      event_type: "user_deleted",
      event_id: crypto.randomUUID(),
      user_id: userId,
      deleted_at: new Date().toISOString(),
    };
    await events.users.publish([created, updated, deleted].map(record));
    const changes = await eventually(20_000, "three user changes", () => {
      const got = userReceived(events, userId);
      return got.length >= 3 ? got : undefined;
    });
    assert.deepEqual(
      changes.map((c) => [c.type, c.eventId, c.type === "upserted" ? c.username : null]),
      [
        ["upserted", created.event_id, "ada"],
        ["upserted", updated.event_id, "ada_l"],
        ["deleted", deleted.event_id, null],
      ],
    );
  },
  "an undecodable record is skipped and the ones after it still arrive": async (events) => {
    const userId = crypto.randomUUID();
    const good = userEvent(userId, "user_created", "after_bad");
    await events.users.publish([
      { eventId: crypto.randomUUID(), userId, payload: "{not json" },
      {
        eventId: crypto.randomUUID(),
        userId,
        payload: JSON.stringify({ event_type: "user_exploded" }),
      },
      record(good),
    ]);
    const changes = await eventually(20_000, "the good record", () => {
      const got = userReceived(events, userId);
      return got.length >= 1 ? got : undefined;
    });
    assert.deepEqual(changes.map((c) => c.eventId), [good.event_id]);
  },
});
