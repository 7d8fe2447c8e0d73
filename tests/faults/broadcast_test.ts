/**
 * Every answered send reaches history and every subscriber exactly once
 * while a component is SIGKILLed mid-stream and brought back
 * (docs/faults.md): here user-service, one chat-service instance and
 * PostgreSQL (a private cluster, so no one else's tests lose theirs).
 * Kafka and Cassandra: kafka_cassandra_test.ts.
 */
import assert from "node:assert/strict";
import {
  faultStreamTest,
  faultTest,
  killedAndRestarted,
  PrivatePostgres,
  startFaultStack,
} from "../support/fault_stack.ts";
import { assertHeld } from "../support/fault_stream.ts";

faultStreamTest(
  "faults: user-service SIGKILLed mid-stream: sends go on, nothing lost or doubled",
  (stack) => stack.userServiceKilled,
  (report) => {
    assertHeld("user-service", report, 5000);
    assert.equal(report.attempts["503"] ?? 0, 0, "user-service is not on the send path");
  },
);

faultStreamTest(
  "faults: a chat-service instance SIGKILLed mid-stream: its subscriber reconnects with after, nothing lost or doubled",
  (stack) => stack.chatDown(1, "SIGKILL"),
  (report) => {
    assertHeld("chat-service instance 1", report, 5000);
    assert.ok(report.subscribers[1].reconnects >= 1, "instance 1's subscriber reconnected");
    assert.equal(report.subscribers[0].reconnects, 0, "instance 0's subscriber stayed");
  },
);

faultTest(
  "faults: PostgreSQL SIGKILLed mid-stream: 503 + Retry-After while down, recovery without restart",
  async () => {
    const postgres = new PrivatePostgres();
    await postgres.create();
    const stack = await startFaultStack({
      user: { DATABASE_URL: postgres.url("users") },
      chat: { DATABASE_URL: postgres.url("chat") },
    });
    try {
      const report = await stack.streamThrough(killedAndRestarted(postgres));
      try {
        assertHeld("postgres", report, 10_000);
      } catch (error) {
        // What the instances said (errors, a crash) is what explains a miss or a slow recovery.
        const said = stack.chatLogs().split("\n").filter((l) =>
          /"level":"error"|stopped|Uncaught/.test(l)
        );
        console.log(said.slice(0, 40).map((l) => l.slice(0, 400)).join("\n"));
        throw error;
      }
      assert.ok((report.attempts["503"] ?? 0) > 0, "sends were refused with 503 while it was down");
    } finally {
      await stack.stop();
      await postgres.destroy();
    }
  },
);
