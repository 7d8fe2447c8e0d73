/**
 * What one wake-up of a Deno process costs on this machine, the floor under every event an idle
 * or lightly loaded instance handles (docs/scaling.md "Where a message's CPU goes"). Measures
 * this process's CPU (from /proc/self/stat) per event, at `--rate` events/s for `--seconds`
 * each:
 *   - a timer: the event loop waking with nothing to do;
 *   - a 100-byte round trip over node:net (how the npm drivers talk) and over Deno.connect, to
 *     an echo server in a child process;
 *   - a query through postgres.js (`connectPostgres`, as every service asks), one at a time;
 *   - a `chat.messages.*` record reaching the fan-out's Kafka consumer (kafkajs through
 *     shared/kafka.ts, as chat-service reads), from a producer in a child process, one record at
 *     a time over the sixteen shards.
 * The last two need the infrastructure (`./deno task infra:up && ./deno task migrate`);
 * `--no-infra` skips them. A script that prints figures; not a test.
 *
 * ./deno run -A bench/wakeups.ts [--rate 100] [--seconds 20] [--no-infra]
 */
import net from "node:net";
import { CHAT_MESSAGE_TOPICS } from "@chat-ts/shared/events";
import { createKafka, kafkaEventSource } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import { connectPostgres } from "@chat-ts/shared/postgres";
import { testDatabaseUrl, testKafkaBrokers } from "../tests/support/env.ts";
import { cpuSeconds } from "../tests/support/process.ts";
import { arg } from "./args.ts";

const RATE = arg("rate", 100);
const SECONDS = arg("seconds", 20);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `step` RATE times a second for SECONDS; prints this process's CPU per step. */
async function perEvent(name: string, step: () => Promise<void>): Promise<void> {
  const before = await cpuSeconds(Deno.pid);
  const started = performance.now();
  let events = 0;
  while (performance.now() - started < SECONDS * 1000) {
    await step();
    events++;
    await sleep(1000 / RATE);
  }
  const used = (await cpuSeconds(Deno.pid)) - before;
  report(name, events, used);
}

function report(name: string, events: number, used: number): void {
  console.log(
    `  ${name.padEnd(34)} ${(used / events * 1e6).toFixed(0).padStart(5)} µs CPU per event ` +
      `(${events} events, ${used.toFixed(2)} s)`,
  );
}

/** A child Deno process running `code`, stopped by `kill`. */
function child(code: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), { args: ["eval", code], stdout: "null" }).spawn();
}

async function echoServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const server = child(`
    const l = Deno.listen({ hostname: "127.0.0.1", port: ${port} });
    for await (const c of l) (async () => {
      const b = new Uint8Array(65536);
      for (let n; (n = await c.read(b)) !== null;) await c.write(b.subarray(0, n));
    })();`);
  for (let i = 0; i < 100; i++) {
    const probe = await Deno.connect({ hostname: "127.0.0.1", port }).catch(() => undefined);
    if (probe !== undefined) {
      probe.close();
      break;
    }
    await sleep(50);
  }
  return {
    port,
    async stop() {
      server.kill();
      await server.status;
    },
  };
}

console.log(`one event every ${(1000 / RATE).toFixed(0)} ms for ${SECONDS} s each:`);
await perEvent("timer (nothing else)", () => Promise.resolve());

const echo = await echoServer();
const payload = new Uint8Array(100);
{
  const socket = net.connect(echo.port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise((r) => socket.once("connect", r));
  let answered: (() => void) | undefined;
  socket.on("data", () => answered?.());
  await perEvent("round trip over node:net", () =>
    new Promise<void>((resolve) => {
      answered = resolve;
      socket.write(payload);
    }));
  socket.destroy();
}
{
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: echo.port });
  conn.setNoDelay(true);
  const buffer = new Uint8Array(65536);
  await perEvent("round trip over Deno.connect", async () => {
    await conn.write(payload);
    await conn.read(buffer);
  });
  conn.close();
}
await echo.stop();

if (!Deno.args.includes("--no-infra")) {
  const sql = connectPostgres({ url: testDatabaseUrl("chat"), max: 1 });
  await sql`select 1`;
  let n = 0;
  await perEvent("a query through postgres.js", async () => {
    await sql`select ${n++}::int as n`;
  });
  await sql.end();

  let received = 0;
  const kafka = createKafka({
    brokers: testKafkaBrokers(),
    clientId: "bench-wakeups",
    logger: silentLogger,
  });
  // Fetch settings of chat-service's fan-out: answered at the first record, else after 5 s.
  const reader = await kafkaEventSource(kafka, silentLogger).subscribe({
    group: `bench-wakeups-${crypto.randomUUID()}`,
    owner: "instance",
    topics: CHAT_MESSAGE_TOPICS,
    fromBeginning: false,
    fetch: { minBytes: 1, maxWaitMs: 5000, partitionsConsumedConcurrently: 4 },
    handle: () => {
      received++;
      return Promise.resolve();
    },
  });
  // The producer sends one ~400-byte record at a time, to a random shard, RATE a second.
  const producer = child(`
    import { createKafka, KafkaRecordSink } from "@chat-ts/shared/kafka";
    import { silentLogger } from "@chat-ts/shared/logger";
    const sink = new KafkaRecordSink(createKafka({ brokers: ${JSON.stringify(testKafkaBrokers())},
      clientId: "bench-wakeups-producer", logger: silentLogger }));
    const value = JSON.stringify({ type: "message_sent", content: "x".repeat(300) });
    for (;;) {
      const key = crypto.randomUUID();
      await sink.send([{ topic: "chat.messages." + Number.parseInt(key.slice(-1), 16), key, value,
        headers: { recipients: "" } }]);
      await new Promise((r) => setTimeout(r, ${1000 / RATE}));
    }`);
  await sleep(5000);
  const before = await cpuSeconds(Deno.pid);
  const from = received;
  await sleep(SECONDS * 1000);
  report(
    "a record reaching the fan-out reader",
    received - from,
    (await cpuSeconds(Deno.pid)) - before,
  );
  producer.kill();
  await producer.status;
  await reader.stop();
}
Deno.exit(0);
