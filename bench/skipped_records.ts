/**
 * What a chat event costs an instance where no socket waits for it (issue #19: ≤ 2 µs, decided
 * from the record's key and headers before its value is decoded). Starts one chat-service
 * instance (with user-service) with no client, measures its idle CPU over a window, then
 * produces N `message_sent` records straight to `chat.messages.*` (random channels, nobody
 * subscribed) and measures its CPU over a window as long while it reads them:
 *   (CPU while reading − CPU idle) / N.
 * `--no-header` produces the same records without the recipients header, as an older producer
 * would: the instance must decode each one to know it concerns nobody (the cost before the
 * key check). A script that prints figures; not a test.
 *
 * ./deno run -A bench/skipped_records.ts [--records 200000] [--seconds 20] [--no-header]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { createKafka, KafkaRecordSink } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import type { ChannelId, MessageId, UserId } from "../services/chat-service/src/domain/ids.ts";
import type { MessageContent } from "../services/chat-service/src/domain/message/models.ts";
import { toRecord } from "../services/chat-service/src/outbound/envelopes/chat_envelope.ts";
import { TimeUuidGenerator } from "../services/chat-service/src/outbound/time_uuid/time_uuid_generator.ts";
import { testKafkaBrokers } from "../tests/support/env.ts";
import { cpuSeconds, servicePid } from "../tests/support/process.ts";
import { startStack } from "../tests/support/stack.ts";
import { arg } from "./args.ts";

const RECORDS = arg("records", 200_000);
const SECONDS = arg("seconds", 20);
const NO_HEADER = Deno.args.includes("--no-header");

const stack = await startStack({ chatInstances: 1, chatEnv: { LOG_LEVEL: "error" } });
const kafka = createKafka({
  brokers: testKafkaBrokers(),
  clientId: "bench-skipped",
  logger: silentLogger,
});
const sink = new KafkaRecordSink(kafka, 1);
try {
  const pid = await servicePid(stack.chatPids[0]);
  if (pid === undefined) throw new Error("chat-service's pid not found");
  const ids = new TimeUuidGenerator();
  const userId = crypto.randomUUID() as UserId;
  // Records made beforehand, so producing them is quick and the window holds all of them.
  const records = Array.from({ length: RECORDS }, (_, i) => {
    const at = new Date();
    const record = toRecord({
      type: "message_sent",
      eventId: crypto.randomUUID(),
      message: {
        id: ids.next(at) as MessageId,
        channelId: crypto.randomUUID() as ChannelId,
        userId,
        content: `a message nobody on this instance reads, number ${i}` as MessageContent,
        timestamp: at,
      },
    });
    return NO_HEADER ? { topic: record.topic, key: record.key, value: record.value } : record;
  });
  await sink.connect();
  await new Promise((r) => setTimeout(r, 5000)); // settle after start

  const window = async (work: () => Promise<void>) => {
    const before = await cpuSeconds(pid);
    const started = performance.now();
    await work();
    const rest = SECONDS * 1000 - (performance.now() - started);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    return await cpuSeconds(pid) - before;
  };
  const idle = await window(async () => {});
  const busy = await window(async () => {
    for (let i = 0; i < records.length; i += 1000) await sink.send(records.slice(i, i + 1000));
  });
  console.log(
    `one chat-service instance, ${RECORDS} records for channels nobody subscribes to${
      NO_HEADER ? " (no recipients header: decoded)" : ""
    }:`,
  );
  console.log(
    `  CPU over ${SECONDS} s: ${busy.toFixed(2)} s reading them, ${idle.toFixed(2)} s idle = ${
      ((busy - idle) / RECORDS * 1e6).toFixed(2)
    } µs per record`,
  );
} finally {
  await sink.close();
  await stack.stop();
}
