/**
 * chat-service fan-out benchmark (a script that measures and prints figures;
 * not a test). Starts user-service and two chat-service instances under their
 * `deno task start` permissions on the local infrastructure, then:
 *
 * 1. Fan-out: C subscribers on one public channel, half on each instance; a
 *    sender posts R messages/s over HTTP for D seconds. Reports deliveries/s,
 *    send→delivery latency p50/p99/max (measured in this process, one clock),
 *    losses, and the RSS of each instance.
 * 2. Idle connections: N authenticated, subscribed, idle sockets on one
 *    instance; reports the instance's RSS growth per connection.
 *
 * Usage: ./deno run -A bench/chat_fanout.ts [--rate=500] [--subscribers=100]
 *        [--seconds=60] [--warmup=3] [--idle=5000]
 * (needs `./deno task infra:up` and `./deno task migrate` first)
 */
import { serviceRssBytes } from "../tests/support/process.ts";
import { api, type Stack, startStack, uniqueName } from "../tests/support/stack.ts";

const args = Object.fromEntries(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => a.slice(2).split("=") as [string, string]),
);
const RATE = Number(args.rate ?? 500);
const SUBSCRIBERS = Number(args.subscribers ?? 100);
const SECONDS = Number(args.seconds ?? 60);
const IDLE = Number(args.idle ?? 5000);
/** Seconds of sending before measuring starts (JIT, prepared statements, connection pools). */
const WARMUP = Number(args.warmup ?? 3);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function openSubscriber(
  base: string,
  token: string,
  channel: string,
  onMessage: (text: string) => void,
) {
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("socket failed"));
  });
  const subscribed = new Promise<void>((resolve) => {
    ws.onmessage = (e) => {
      const text = String(e.data);
      if (text.includes('"subscribed"')) {
        ws.onmessage = (ev) => onMessage(String(ev.data));
        resolve();
      }
    };
  });
  ws.send(JSON.stringify({ type: "subscribe", channel_id: channel }));
  await subscribed;
  return ws;
}

/** Open loop: each tick sends what the schedule says is due, whatever the latency. */
async function send(
  stack: Stack,
  channel: string,
  token: string,
  seconds: number,
) {
  let sent = 0;
  let failed = 0;
  const postLatencies: number[] = [];
  const start = performance.now();
  const inflight = new Set<Promise<void>>();
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * RATE);
    while (sent < due) {
      const url = stack.chatUrls[sent % stack.chatUrls.length];
      const postedAt = performance.now();
      const p = fetch(`${url}/api/channels/${channel}/messages`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ content: `t${performance.now()}` }),
      }).then(async (res) => {
        if (res.status !== 201) failed++;
        postLatencies.push(performance.now() - postedAt);
        await res.body?.cancel();
      }, () => void failed++).finally(() => inflight.delete(p));
      inflight.add(p);
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inflight);
  return { sent, failed, postLatencies, start };
}

async function fanOut(stack: Stack) {
  const sender = await stack.register("sender");
  const readers = await Promise.all(
    Array.from({ length: Math.min(SUBSCRIBERS, 20) }, () => stack.register("reader")),
  );
  const channel = (await api(stack.chatUrls[0], "POST", "/api/channels", sender.token, {
    channel_type: "public",
    name: uniqueName("bench").replaceAll("_", "-"),
  })).body.data.id as string;

  const latencies: number[] = [];
  let delivered = 0;
  let measureFrom = Infinity;
  const onMessage = (text: string) => {
    // The content carries the send time; one clock on both ends.
    const at = /"content":"t(\d+(?:\.\d+)?)"/.exec(text)?.[1];
    if (at !== undefined && Number(at) >= measureFrom) {
      latencies.push(performance.now() - Number(at));
      delivered++;
    }
  };
  const sockets = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, (_, i) =>
      openSubscriber(
        stack.chatUrls[i % stack.chatUrls.length],
        readers[i % readers.length].token,
        channel,
        onMessage,
      )),
  );

  await send(stack, channel, sender.token, WARMUP);
  const rssBefore = await Promise.all(stack.chatPids.map(serviceRssBytes));
  measureFrom = performance.now();
  const { sent, failed, postLatencies, start } = await send(
    stack,
    channel,
    sender.token,
    SECONDS,
  );
  const expected = (sent - failed) * SUBSCRIBERS;
  const drainUntil = performance.now() + 10_000;
  while (delivered < expected && performance.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const elapsed = (performance.now() - start) / 1000;
  const rssAfter = await Promise.all(stack.chatPids.map(serviceRssBytes));
  latencies.sort((x, y) => x - y);
  postLatencies.sort((x, y) => x - y);

  console.log(
    `\n== fan-out: ${SUBSCRIBERS} subscribers on 2 instances, ${RATE} msg/s for ${SECONDS} s`,
  );
  console.log(`sent ${sent} (failed ${failed}); deliveries ${delivered} of ${expected} expected`);
  console.log(`deliveries/s ${(delivered / elapsed).toFixed(0)} (target ${RATE * SUBSCRIBERS})`);
  console.log(
    `latency send→delivery ms: p50 ${percentile(latencies, 50).toFixed(1)}  p99 ${
      percentile(latencies, 99).toFixed(1)
    }  max ${(latencies.at(-1) ?? NaN).toFixed(1)}`,
  );
  console.log(
    `POST /messages ms: p50 ${percentile(postLatencies, 50).toFixed(1)}  p99 ${
      percentile(postLatencies, 99).toFixed(1)
    }`,
  );
  stack.chatPids.forEach((_, i) =>
    console.log(`instance ${i + 1} RSS MiB: before ${mib(rssBefore[i])}, after ${mib(rssAfter[i])}`)
  );
  for (const ws of sockets) ws.close();
  await new Promise((r) => setTimeout(r, 1000));
}

async function idleConnections(stack: Stack) {
  const user = await stack.register("idle");
  const channel = (await api(stack.chatUrls[0], "POST", "/api/channels", user.token, {
    channel_type: "public",
    name: uniqueName("idle").replaceAll("_", "-"),
  })).body.data.id as string;
  const pid = stack.chatPids[1];
  const base = stack.chatUrls[1];
  await new Promise((r) => setTimeout(r, 2000));
  const before = await serviceRssBytes(pid);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < IDLE; i += 100) {
    sockets.push(
      ...await Promise.all(
        Array.from(
          { length: Math.min(100, IDLE - i) },
          () => openSubscriber(base, user.token, channel, () => {}),
        ),
      ),
    );
  }
  await new Promise((r) => setTimeout(r, 3000));
  const after = await serviceRssBytes(pid);
  console.log(`\n== idle: ${sockets.length} subscribed idle connections on one instance`);
  console.log(
    `RSS MiB: before ${mib(before)}, after ${mib(after)}; per connection ${
      ((after - before) / sockets.length / 1024).toFixed(1)
    } KB`,
  );
  for (const ws of sockets) ws.close();
}

const stack = await startStack({
  // The sender is a benchmark harness, not a flooding client: lift the per-socket limits it does not use.
  chatEnv: { LOG_LEVEL: "error" },
});
try {
  if (SECONDS > 0) await fanOut(stack);
  if (IDLE > 0) await idleConnections(stack);
} finally {
  await stack.stop();
}
