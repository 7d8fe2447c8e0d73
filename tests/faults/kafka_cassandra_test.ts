/**
 * Kafka and Cassandra SIGKILLed mid-stream (docs/faults.md), each in turn,
 * on a private deployment: its own Kafka, Cassandra and PostgreSQL (ports and
 * data folders of this file's), started once for both tests (~40 s), so the
 * machine's shared infrastructure is never touched.
 */
import assert from "node:assert/strict";
import { faultStreamTest, killedAndRestarted, PrivatePostgres } from "../support/fault_stack.ts";
import { assertHeld } from "../support/fault_stream.ts";
import { PrivateCassandra, PrivateKafka } from "../support/private_jvm.ts";

interface PrivateInfra {
  readonly kafka: PrivateKafka;
  readonly cassandra: PrivateCassandra;
  readonly postgres: PrivatePostgres;
}

let infra: Promise<PrivateInfra> | undefined;

/** Started by the first test that needs it, stopped after the file. */
function privateInfra(): Promise<PrivateInfra> {
  infra ??= (async () => {
    const kafka = new PrivateKafka();
    const cassandra = new PrivateCassandra();
    const postgres = new PrivatePostgres();
    await Promise.all([kafka.create(), cassandra.create(), postgres.create()]);
    return { kafka, cassandra, postgres };
  })();
  return infra;
}

Deno.test.afterAll(async () => {
  if (infra === undefined) return;
  const { kafka, cassandra, postgres } = await infra;
  await Promise.all([kafka.destroy(), cassandra.destroy(), postgres.destroy()]);
});

/** The fault stack's environment on the private infrastructure. */
async function privateEnv() {
  const { kafka, cassandra, postgres } = await privateInfra();
  return {
    user: { DATABASE_URL: postgres.url("users"), KAFKA_BROKERS: kafka.brokers },
    chat: {
      DATABASE_URL: postgres.url("chat"),
      KAFKA_BROKERS: kafka.brokers,
      CASSANDRA_CONTACT_POINTS: cassandra.contactPoints,
    },
  };
}

faultStreamTest(
  "faults: Kafka SIGKILLed mid-stream: sends answer promptly, subscribers get everything once, in order, after it returns",
  async () => killedAndRestarted((await privateInfra()).kafka),
  (report) => {
    assertHeld("kafka", report, 45_000);
    assert.equal(report.attempts["503"] ?? 0, 0, "no send needs Kafka");
    assert.ok(report.p99AnswerMs <= 1000, `send p99 ${report.p99AnswerMs} ms during the outage`);
  },
  { env: privateEnv, options: { settleMs: 45_000 } },
);

faultStreamTest(
  "faults: Cassandra SIGKILLed mid-stream: 503 + Retry-After while down, recovery without restart",
  async () => killedAndRestarted((await privateInfra()).cassandra),
  (report, stack) => {
    if ((report.attempts["500"] ?? 0) > 0) {
      console.log(stack.chatLogs().split("\n").filter((l) => l.includes('"error"')).join("\n"));
    }
    assertHeld("cassandra", report, 15_000);
    assert.ok((report.attempts["503"] ?? 0) > 0, "sends were refused with 503 while it was down");
  },
  { env: privateEnv },
);
