/** The outbox against real Postgres and Kafka: no event is lost while Kafka is unreachable. */
import assert from "node:assert/strict";
import { createKafka } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import { decodeEvent, type Event, USER_EVENTS_TOPIC } from "@chat-ts/shared/events";
import type { Consumer } from "kafkajs";
import { uniqueName } from "../../../../../tests/support/names.ts";
import { createTestUserService } from "../../../../../tests/support/user_service.ts";
import { KafkaUserEventPublisher } from "../kafka/user_event_publisher.ts";
import { OutboxRelay } from "./outbox_relay.ts";

const brokers = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",");

/** Collects user-events records written after this call. */
async function recordUserEvents(): Promise<{ events: Event[]; stop: () => Promise<void> }> {
  const kafka = createKafka({ brokers, clientId: "outbox-test", logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(USER_EVENTS_TOPIC);
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({ groupId: `outbox-test-${crypto.randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: USER_EVENTS_TOPIC });
  const events: Event[] = [];
  await consumer.run({
    eachMessage: ({ message }) => {
      const decoded = decodeEvent(message.value);
      if (decoded.ok) events.push(decoded.value);
      return Promise.resolve();
    },
  });
  for (const { partition, offset } of ends) {
    consumer.seek({ topic: USER_EVENTS_TOPIC, partition, offset });
  }
  return { events, stop: () => consumer.disconnect() };
}

async function until(what: string, ms: number, check: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const forUser = (events: Event[], userId: string) =>
  events.filter((e) => "user_id" in e && e.user_id === userId);

Deno.test({
  name: "outbox: events written while Kafka is unreachable arrive exactly once after it heals",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const svc = createTestUserService();
    const recorder = await recordUserEvents();
    // A relay whose producer cannot reach any broker: Kafka is "down".
    const downKafka = createKafka({
      brokers: ["127.0.0.1:1"],
      clientId: "outbox-test-down",
      logger: silentLogger,
      connectionTimeoutMs: 200,
      retry: { retries: 0 },
    });
    const downPublisher = new KafkaUserEventPublisher(downKafka);
    const down = new OutboxRelay({
      sql: svc.sql,
      publisher: downPublisher,
      logger: silentLogger,
      idleMs: 20,
    });
    try {
      down.start();
      const username = uniqueName();
      const registered = await svc.users.register({
        username,
        emailAddress: `${username}@example.com`,
        password: "password123",
      });
      assert.ok(registered.ok, "registration succeeds while Kafka is down");
      const userId = registered.value.id;
      await until("the down relay to fail", 5000, () => !down.state.healthy);
      await down.stop();
      const [{ count }] = await svc.sql<{ count: number }[]>`
        select count(*)::int as count from user_outbox where user_id = ${userId} and published_at is null`;
      assert.equal(count, 1, "the event waits in the outbox");

      // Kafka "heals": a relay that reaches the broker publishes what waited.
      const publisher = new KafkaUserEventPublisher(
        createKafka({ brokers, clientId: "outbox-test-up", logger: silentLogger }),
      );
      const relay = new OutboxRelay({ sql: svc.sql, publisher, logger: silentLogger, idleMs: 20 });
      relay.start();
      try {
        await until(
          "user_created on user-events",
          20_000,
          () => forUser(recorder.events, userId).length > 0,
        );
        // Later changes follow in order on the same key.
        await svc.users.updateUser(userId, userId, { username: `${username}_2` });
        await svc.users.deleteUser(userId, userId);
        await until(
          "update and delete events",
          20_000,
          () => forUser(recorder.events, userId).length >= 3,
        );
        await new Promise((r) => setTimeout(r, 500)); // room for any duplicate to show up
      } finally {
        await relay.stop();
        await publisher.close();
      }
      const events = forUser(recorder.events, userId);
      assert.deepEqual(events.map((e) => e.event_type), [
        "user_created",
        "user_updated",
        "user_deleted",
      ]);
      assert.equal(new Set(events.map((e) => e.event_id)).size, 3, "each event_id exactly once");
      const [created, updated] = events;
      assert.ok(created.event_type === "user_created" && created.username === username);
      assert.ok(updated.event_type === "user_updated" && updated.username === `${username}_2`);
    } finally {
      await down.stop();
      await downPublisher.close().catch(() => {});
      await recorder.stop();
      await svc.close();
    }
  },
});
