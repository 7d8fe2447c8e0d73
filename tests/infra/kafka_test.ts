import assert from "node:assert/strict";
import { createKafka } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import {
  CHAT_MESSAGE_TOPICS,
  decodeEvent,
  encodeEvent,
  USER_EVENTS_TOPIC,
} from "@chat-ts/shared/events";
import { testKafkaBrokers } from "../support/env.ts";
import { within } from "../support/async.ts";

const kafka = () =>
  createKafka({ brokers: testKafkaBrokers(), clientId: "infra-test", logger: silentLogger });

Deno.test("kafka: the topics of DESIGN §5 exist", async () => {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const topics = new Set(await admin.listTopics());
    for (const topic of [USER_EVENTS_TOPIC, ...CHAT_MESSAGE_TOPICS]) {
      assert.ok(topics.has(topic), `missing topic ${topic}`);
    }
  } finally {
    await admin.disconnect();
  }
});

Deno.test("kafka: an event produced to user-events is consumed with its key and payload", async () => {
  const client = kafka();
  const admin = client.admin();
  const producer = client.producer();
  const consumer = client.consumer({ groupId: `infra-test-${crypto.randomUUID()}` });
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  try {
    // Read only what this test writes: start each partition at its current end.
    const ends = await admin.fetchTopicOffsets(USER_EVENTS_TOPIC);
    const userId = crypto.randomUUID();
    const event = {
      event_type: "user_created" as const,
      event_id: crypto.randomUUID(),
      user_id: userId,
      username: "kafka_probe",
      email: "probe@example.com",
      created_at: new Date().toISOString(),
    };
    await consumer.subscribe({ topic: USER_EVENTS_TOPIC });
    let resolveReceived: (m: { key: string; value: unknown }) => void = () => {};
    const received = new Promise<{ key: string; value: unknown }>((r) => resolveReceived = r);
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.key?.toString() === userId) {
          resolveReceived({ key: message.key.toString(), value: decodeEvent(message.value) });
        }
        return Promise.resolve();
      },
    });
    for (const { partition, offset } of ends) {
      consumer.seek({ topic: USER_EVENTS_TOPIC, partition, offset });
    }
    await producer.send({
      topic: USER_EVENTS_TOPIC,
      messages: [{ key: userId, value: encodeEvent(event) }],
    });
    const message = await within(20_000, "the produced event", received);
    assert.equal(message.key, userId);
    assert.deepEqual(message.value, { ok: true, value: event });
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  }
});
