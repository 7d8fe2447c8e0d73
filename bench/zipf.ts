/**
 * A realistic workload (issue #19; a script that prints figures, not a test): C connections over
 * two chat-service instances, K public channels whose sizes follow a Zipf law (most of 2–10
 * members, a few over 500), each connection subscribed to the channels it is a member of, and R
 * messages/s over WebSocket spread Zipf-wise over the channels (the big ones busiest) for S
 * seconds. Prints deliveries/s, send→delivery p50/p99, chat-service CPU per delivery (from
 * /proc/<pid>/stat over the measured window) and RSS per instance.
 *
 * ./deno run -A bench/zipf.ts [--connections 5000] [--channels 2000] [--rate 500] [--seconds 60]
 *   [--warmup 10] [--workers 4]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { api } from "../tests/support/http.ts";
import { uniqueChannelName } from "../tests/support/names.ts";
import { startStack } from "../tests/support/stack.ts";
import { cpuMeter, percentile, replies, rssKiB, startRecording, stopRecording } from "./measure.ts";
import { arg, sendingArgs } from "./args.ts";

const CONNECTIONS = arg("connections", 5000);
const CHANNELS = arg("channels", 2000);
const { rate: RATE, seconds: SECONDS, warmup: WARMUP, workers: WORKERS } = sendingArgs(4);
const SENDER_SOCKETS = 10;

/** The k-th largest channel (from 1): 1,200 / k^0.9 members, at least 2 (k=1: 1,200; k≥200: 2–10). */
const sizeOf = (k: number) => Math.min(CONNECTIONS, Math.max(2, Math.round(1200 / k ** 0.9)));
/** How busy the k-th channel is, relative to the others. */
const weightOf = (k: number) => 1 / k;

const now = () => performance.timeOrigin + performance.now();

const stack = await startStack({
  chatEnv: {
    LOG_LEVEL: "error",
    MESSAGES_PER_USER_PER_WINDOW: "1000000",
    CHANNELS_PER_USER_PER_HOUR: "100000",
    WS_MAX_CONNECTIONS_PER_USER: "10000",
    WS_FRAMES_PER_SECOND: "10000",
    WS_FRAME_BURST: "100000",
  },
});
const urls = stack.chatUrls;
try {
  const [sender, reader] = await Promise.all([stack.register("zipf"), stack.register("zipf")]);
  // The channels, created 20 at a time.
  const channels: string[] = [];
  for (let i = 0; i < CHANNELS; i += 20) {
    channels.push(
      ...await Promise.all(
        Array.from({ length: Math.min(20, CHANNELS - i) }, async () => {
          const created = await api(urls[0], "POST", "/api/channels", sender.token, {
            channel_type: "public",
            name: uniqueChannelName("zipf"),
          });
          if (created.status !== 201) throw new Error(`channel: ${JSON.stringify(created.body)}`);
          return created.body.data.id as string;
        }),
      ),
    );
  }
  // Members: each channel's size in distinct connections, drawn at random.
  const sizes = channels.map((_, i) => sizeOf(i + 1));
  const memberships: string[][] = Array.from({ length: CONNECTIONS }, () => []);
  channels.forEach((channel, i) => {
    const chosen = new Set<number>();
    while (chosen.size < sizes[i]) chosen.add(Math.floor(Math.random() * CONNECTIONS));
    for (const c of chosen) memberships[c].push(channel);
  });
  const subscriptions = sizes.reduce((a, b) => a + b, 0);
  console.log(
    `${CHANNELS} channels of ${sizes[0]} down to ${sizes[sizes.length - 1]} members (${
      sizes.filter((s) => s <= 10).length
    } of 2–10, ${
      sizes.filter((s) => s > 500).length
    } over 500), ${subscriptions} subscriptions over ${CONNECTIONS} connections`,
  );

  const workers = Array.from(
    { length: WORKERS },
    () => new Worker(new URL("./zipf_worker.ts", import.meta.url).href, { type: "module" }),
  );
  const opening = performance.now();
  await Promise.all(workers.map((w, wi) => {
    const ready = replies(w, "ready");
    const connections = memberships.flatMap((channels, c) =>
      c % WORKERS === wi ? [{ url: urls[c % urls.length], channels }] : []
    );
    w.postMessage({ type: "start", token: reader.token, connections });
    return ready;
  }));
  console.log(
    `connected and subscribed in ${((performance.now() - opening) / 1000).toFixed(0)} s`,
  );

  const senders = await Promise.all(
    Array.from(
      { length: SENDER_SOCKETS * urls.length },
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(
            `${urls[i % urls.length].replace("http", "ws")}/ws?token=${sender.token}`,
          );
          ws.onopen = () => resolve(ws);
          ws.onerror = () => reject(new Error("sender socket failed"));
        }),
    ),
  );
  let refused = 0;
  for (const ws of senders) {
    ws.onmessage = (m) => {
      const type = JSON.parse(String(m.data)).type;
      if (type === "error" || type === "rate_limited" || type === "unavailable") refused++;
    };
  }
  // Zipf-wise choice of a channel: cumulative weights, searched by bisection.
  const cumulative: number[] = [];
  channels.reduce((sum, _, i) => (cumulative[i] = sum + weightOf(i + 1)), 0);
  const pick = () => {
    const x = Math.random() * cumulative[cumulative.length - 1];
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Sends R messages/s for `seconds`; returns how many and the deliveries they owe. */
  const sendFor = async (seconds: number) => {
    let sent = 0;
    let owed = 0;
    const started = now();
    const total = RATE * seconds;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((now() - started) / 1000) * RATE));
      for (; sent < due; sent++) {
        const k = pick();
        owed += sizes[k];
        senders[sent % senders.length].send(JSON.stringify({
          type: "send_message",
          channel_id: channels[k],
          content: `${now()} zipf message ${sent}`,
        }));
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    return { sent, owed, seconds: (now() - started) / 1000 };
  };

  if (WARMUP > 0) {
    const warm = await sendFor(WARMUP);
    console.log(`warm-up: ${warm.sent} sent in ${WARMUP} s (not counted below)`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const chats = stack.chatPids;
  const refusedBefore = refused;
  const cpu = await cpuMeter(chats);
  startRecording(workers);
  const sends = await sendFor(SECONDS);
  await new Promise((r) => setTimeout(r, 3000)); // the last deliveries land
  const used = await cpu.used();
  const rss = await Promise.all(chats.map(rssKiB));
  const { latencies, deliveries, abnormal } = await stopRecording(workers);
  const chatSeconds = used.perInstance.reduce((a, b) => a + b, 0);
  const µs = (s: number) => ((s / deliveries) * 1e6).toFixed(1);
  console.log(
    `zipf: ${CONNECTIONS} connections, ${CHANNELS} channels, ${RATE} msg/s for ${SECONDS} s`,
  );
  console.log(
    `  sent ${sends.sent} (${refused - refusedBefore} refused) = ${
      (sends.sent / sends.seconds).toFixed(0)
    } msg/s; deliveries ${deliveries} of ${sends.owed} owed = ${
      (deliveries / sends.seconds).toFixed(0)
    } deliveries/s`,
  );
  if (deliveries > 0) {
    console.log(
      `  latency send→delivery ms: p50 ${percentile(latencies, 50).toFixed(1)}  p99 ${
        percentile(latencies, 99).toFixed(1)
      }`,
    );
    console.log(
      `  CPU per delivery: chat-service ${µs(chatSeconds)} µs (${
        used.perInstance.map((s) => `${s.toFixed(1)} s`).join(" + ")
      }), with Kafka + Cassandra + Postgres ${µs(chatSeconds + used.infra)} µs`,
    );
  }
  console.log(
    `  RSS per instance: ${
      rss.map((k) => `${(k / 1024).toFixed(0)} MiB`).join(", ")
    }; sockets closed abnormally: ${abnormal}`,
  );
  for (const w of workers) w.terminate();
  for (const ws of senders) ws.close();
} finally {
  await stack.stop();
}
Deno.exit(0);
