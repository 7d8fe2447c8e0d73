/**
 * Creates what must exist before the services start (DESIGN §3): the Kafka
 * topics and the Cassandra keyspace. Safe to run any number of times.
 */
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { DEPLOYMENT_TOPICS } from "@chat-ts/shared/events";
import { createKafka } from "@chat-ts/shared/kafka";
import { createLogger } from "@chat-ts/shared/logger";

const logger = createLogger({ service: "infra", level: "warn" });

async function createTopics(): Promise<void> {
  const kafka = createKafka({
    brokers: ["127.0.0.1:9092"],
    clientId: "chat-ts-provision",
    logger,
    retry: { initialRetryTime: 300, retries: 15 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = DEPLOYMENT_TOPICS.filter((t) => !existing.has(t.topic));
    if (wanted.length > 0) {
      await admin.createTopics({
        topics: wanted.map((t) => ({ ...t, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
  } finally {
    await admin.disconnect();
  }
}

async function createKeyspace(): Promise<void> {
  const client = await connectCassandra({ contactPoints: ["127.0.0.1:9042"] });
  try {
    await client.execute(
      "CREATE KEYSPACE IF NOT EXISTS chat WITH replication = " +
        "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
  } finally {
    await client.shutdown();
  }
}

await Promise.all([createTopics(), createKeyspace()]);
