import assert from "node:assert/strict";
import { createKafka } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import {
  CHAT_TYPING_TOPIC,
  PRESENCE_CHANGES_TOPIC,
  PRESENCE_REPORTS_TOPIC,
} from "@chat-ts/shared/events";
import { connectPostgres } from "@chat-ts/shared/postgres";
import { testDatabaseUrl, testKafkaBrokers } from "../support/env.ts";

Deno.test("infra: the presence topics exist with 4 partitions each, before any service starts", async () => {
  const kafka = createKafka({
    brokers: testKafkaBrokers(),
    clientId: "infra-test",
    logger: silentLogger,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = [PRESENCE_REPORTS_TOPIC, PRESENCE_CHANGES_TOPIC, CHAT_TYPING_TOPIC];
    const { topics: found } = await admin.fetchTopicMetadata({ topics });
    assert.deepEqual(
      found.map((t) => [t.name, t.partitions.length]).sort(),
      topics.map((t) => [t, 4]).sort(),
    );
  } finally {
    await admin.disconnect();
  }
});

Deno.test("infra: the presence database exists and is migrated", async () => {
  const sql = connectPostgres({ url: testDatabaseUrl("presence"), max: 1 });
  try {
    const [row] =
      await sql`select count(*)::int as n from information_schema.tables where table_name = 'last_seen'`;
    assert.equal(row.n, 1);
  } finally {
    await sql.end();
  }
});
