// deno-lint-ignore-file no-explicit-any -- worker replies are plain structured-clone objects
/**
 * chat-service fan-out benchmark (a script that prints figures; not a test). The
 * subscribers run in worker threads so the load generator does not share one event loop with
 * them. Starts user-service and two chat-service
 * instances (each under its `deno task start` permissions) on the local
 * infrastructure, then:
 *  1. C subscribers on one channel, spread over both instances (in worker
 *     threads), a sender posting R messages/s through both instances for S
 *     seconds: deliveries/s, send→delivery latency p50/p99/max, RSS per instance, and CPU
 *     per delivery (from /proc/<pid>/stat over the measured window) of the chat-service
 *     instances, of the whole pipeline (with Kafka, Cassandra and Postgres) and of this load
 *     generator;
 *  2. N idle WebSocket connections on one instance: RSS per connection.
 * With `--gateway`, one gateway (services/gateway, at its production log level) stands in front:
 * the subscribers' sockets and the sends go through it, and its CPU is reported beside
 * chat-service's.
 *
 * ./deno run -A bench/chat_fanout.ts [--rate 500] [--subscribers 100] [--seconds 60] [--idle 2000]
 *   [--warmup 10] [--user-service-down] [--timeline] [--gateway]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { cpuSeconds, servicePid, serviceRssBytes } from "../tests/support/process.ts";
import { api } from "../tests/support/http.ts";
import { uniqueChannelName } from "../tests/support/names.ts";
import { startStack } from "../tests/support/stack.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
const RATE = arg("rate", 500);
const SUBSCRIBERS = arg("subscribers", 100);
const SECONDS = arg("seconds", 60);
const IDLE = arg("idle", 2000);
/** Seconds sent at the same rate before measuring (0: measure from the first message). */
const WARMUP = arg("warmup", 10);
const WORKERS = arg("workers", 2);
/** `--user-service-down`: stop user-service before sending, to see delivery while it is down. */
const USER_SERVICE_DOWN = Deno.args.includes("--user-service-down");
/** `--timeline`: per-second send and delivery percentiles, to see when a tail happens. */
const TIMELINE = Deno.args.includes("--timeline");
/** `--gateway`: subscribers and sender reach chat-service through one gateway. */
const GATEWAY = Deno.args.includes("--gateway");

const now = () => performance.timeOrigin + performance.now();

/** Resident memory of a chat-service instance, in KiB. */
const rssKiB = async (taskPid: number) => (await serviceRssBytes(taskPid)) / 1024;
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Samples {
  readonly latencies: readonly number[];
  readonly sentTimes: readonly number[];
}

/** One line per second of the measured phase, by send time: sends, and send and delivery percentiles. */
function printTimeline(started: number, sends: Samples, deliveries: Samples) {
  const bySecond = (s: Samples) => {
    const seconds: number[][] = [];
    s.latencies.forEach((latency, i) => {
      const second = Math.floor((s.sentTimes[i] - started) / 1000);
      (seconds[second] ??= []).push(latency);
    });
    return seconds.map((l) => l.sort((a, b) => a - b));
  };
  const send = bySecond(sends);
  const delivery = bySecond(deliveries);
  const ms = (l: number[], ...ps: number[]) =>
    ps.map((p) => l.length ? percentile(l, p).toFixed(0) : "-").join("/");
  console.log("  second  sends  send p99/max ms  delivery p50/p99/max ms");
  for (let i = 0; i < Math.max(send.length, delivery.length); i++) {
    const s = send[i] ?? [];
    const d = delivery[i] ?? [];
    console.log(
      `  ${String(i).padStart(6)}  ${String(s.length).padStart(5)}  ${
        ms(s, 99, 100).padStart(15)
      }  ${ms(d, 50, 99, 100).padStart(23)}`,
    );
  }
}

// --- the deployment: user-service and two chat-service instances under their task permissions
const stack = await startStack({
  // One reader token for every subscriber and one sender: the per-user limits are lifted.
  chatEnv: {
    LOG_LEVEL: "error",
    MESSAGES_PER_USER_PER_WINDOW: "1000000",
    WS_MAX_CONNECTIONS_PER_USER: "10000",
  },
  ...(GATEWAY
    ? {
      gateways: {
        count: 1,
        env: {
          LOG_LEVEL: "info",
          GATEWAY_SEND_PER_ADDRESS: "1000000",
          GATEWAY_SEND_PER_USER: "1000000",
          GATEWAY_OTHER_PER_ADDRESS: "1000000",
          GATEWAY_OTHER_PER_USER: "1000000",
        },
      },
    }
    : {}),
});
const urls = GATEWAY ? stack.gatewayUrls : stack.chatUrls;
const chats = stack.chatUrls.map((url, i) => ({ url, pid: stack.chatPids[i] }));
const register = () => stack.register("bench");

try {
  const [sender, reader] = await Promise.all([register(), register()]);
  const created = await api(urls[0], "POST", "/api/channels", sender.token, {
    channel_type: "public",
    name: uniqueChannelName("bench"),
  });
  const channelId: string = created.body.data.id;
  if (USER_SERVICE_DOWN) {
    await new Promise((r) => setTimeout(r, 2000)); // the replica learns the two users first
    await stack.stopUserService();
    console.log("user-service stopped before sending");
  }

  // --- 1. fan-out under a steady send rate --------------------------------
  const workers = Array.from(
    { length: WORKERS },
    () =>
      new Worker(new URL("./chat_fanout_worker.ts", import.meta.url).href, {
        type: "module",
      }),
  );
  const replies = (w: Worker, type: string) =>
    new Promise<any>((resolve) => {
      const listener = (e: MessageEvent) => {
        if (e.data.type === type) {
          w.removeEventListener("message", listener);
          resolve(e.data);
        }
      };
      w.addEventListener("message", listener);
    });
  await Promise.all(workers.map((w, i) => {
    const ready = replies(w, "ready");
    const count = Math.floor(SUBSCRIBERS / WORKERS) + (i < SUBSCRIBERS % WORKERS ? 1 : 0);
    w.postMessage({ type: "start", urls, token: reader.token, channelId, count });
    return ready;
  }));
  /** A paced sender: posts RATE messages/s for `seconds`; each tick posts whatever is due. */
  const sendFor = async (seconds: number) => {
    let sent = 0;
    let failed = 0;
    /** Failed sends by HTTP status (0: no answer). */
    const failures = new Map<number, number>();
    const fail = (status: number) => {
      failed++;
      failures.set(status, (failures.get(status) ?? 0) + 1);
    };
    let inFlight = 0;
    const latencies: number[] = [];
    const sentTimes: number[] = [];
    const started = now();
    const total = RATE * seconds;
    const pending: Promise<void>[] = [];
    while (sent + failed < total) {
      const due = Math.min(total, Math.floor(((now() - started) / 1000) * RATE));
      while (sent + failed + inFlight < due) {
        const seq = sent + failed + inFlight;
        const t0 = now();
        inFlight++;
        const p = fetch(`${urls[seq % urls.length]}/api/channels/${channelId}/messages`, {
          method: "POST",
          headers: { Authorization: `Bearer ${sender.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ content: `${now()} bench message ${seq}` }),
        }).then(async (res) => {
          await res.body?.cancel();
          latencies.push(now() - t0);
          sentTimes.push(t0);
          inFlight--;
          if (res.status === 201) sent++;
          else fail(res.status);
        }, () => {
          inFlight--;
          fail(0);
        });
        pending.push(p);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(pending);
    return {
      sent,
      failed,
      failures,
      latencies,
      sentTimes,
      started,
      seconds: (now() - started) / 1000,
    };
  };

  if (WARMUP > 0) {
    // JIT, connection pools and JVMs settle first; this phase is reported, not hidden.
    const warm = await sendFor(WARMUP);
    warm.latencies.sort((a, b) => a - b);
    console.log(
      `warm-up: ${warm.sent} sent in ${WARMUP} s, HTTP send p50 ${
        percentile(warm.latencies, 50).toFixed(1)
      } p99 ${percentile(warm.latencies, 99).toFixed(1)} ms (not counted below)`,
    );
    await new Promise((r) => setTimeout(r, 1000));
  }
  const rssBefore = await Promise.all(chats.map((c) => rssKiB(c.pid)));
  const cpu = await cpuMeter(chats.map((c) => c.pid), stack.gatewayPids);
  for (const w of workers) w.postMessage({ type: "record", on: true });
  const measuredSends = await sendFor(SECONDS);
  const { sent, failed, latencies: sendLatencies, seconds: measured } = measuredSends;
  const sendSeconds = measured;
  await new Promise((r) => setTimeout(r, 2000)); // let the last deliveries land
  const cpuUsed = await cpu.used();
  const rssAfter = await Promise.all(chats.map((c) => rssKiB(c.pid)));
  const results = await Promise.all(workers.map((w) => {
    const result = replies(w, "result");
    w.postMessage({ type: "record", on: false });
    return result;
  }));
  for (const w of workers) w.terminate();
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const deliveries = results.reduce((n, r) => n + r.deliveries, 0);
  const abnormal = results.reduce((n, r) => n + r.closedAbnormally, 0);
  console.log(`fan-out: ${SUBSCRIBERS} subscribers on 2 instances, ${RATE} msg/s for ${SECONDS} s`);
  console.log(
    `  sent ${sent} (${failed} failed) in ${sendSeconds.toFixed(1)} s = ${
      (sent / sendSeconds).toFixed(0)
    } msg/s${
      failed === 0
        ? ""
        : `; failed by status (0: no answer): ${
          JSON.stringify(Object.fromEntries(measuredSends.failures))
        }`
    }`,
  );
  console.log(
    `  deliveries ${deliveries} of ${sent * SUBSCRIBERS} expected = ${
      (deliveries / sendSeconds).toFixed(0)
    } deliveries/s`,
  );
  if (deliveries === 0) {
    console.log("  no delivery arrived within the measured window");
    await stack.stop();
    Deno.exit(1);
  }
  console.log(
    `  latency send→delivery ms: p50 ${percentile(latencies, 50).toFixed(1)}  p99 ${
      percentile(latencies, 99).toFixed(1)
    }  max ${latencies[latencies.length - 1].toFixed(1)}`,
  );
  // A sorted copy: the timeline below pairs the measured order with send times.
  const sortedSends = [...sendLatencies].sort((a, b) => a - b);
  console.log(
    `  HTTP send ms: p50 ${percentile(sortedSends, 50).toFixed(1)}  p99 ${
      percentile(sortedSends, 99).toFixed(1)
    }`,
  );
  if (TIMELINE) {
    printTimeline(measuredSends.started, measuredSends, {
      latencies: results.flatMap((r) => r.latencies),
      sentTimes: results.flatMap((r) => r.sentTimes),
    });
  }
  console.log(`  sockets closed abnormally: ${abnormal}`);
  const perDelivery = (seconds: number) => `${((seconds / deliveries) * 1e6).toFixed(1)} µs`;
  console.log(
    `  CPU per delivery: chat-service ${perDelivery(cpuUsed.chat)} (${
      cpuUsed.chat.toFixed(1)
    } s over both instances), with Kafka + Cassandra + Postgres ${
      perDelivery(cpuUsed.chat + cpuUsed.infra)
    } (Kafka ${perDelivery(cpuUsed.kafka)}, Cassandra ${perDelivery(cpuUsed.cassandra)}, Postgres ${
      perDelivery(cpuUsed.postgres)
    }), load generator ${perDelivery(cpuUsed.generator)}${
      GATEWAY ? `, gateway ${perDelivery(cpuUsed.gateway)} (${cpuUsed.gateway.toFixed(1)} s)` : ""
    }`,
  );
  chats.forEach((_c, i) =>
    console.log(
      `  instance ${i} RSS: ${(rssBefore[i] / 1024).toFixed(0)} MiB before, ${
        (rssAfter[i] / 1024).toFixed(0)
      } MiB after`,
    )
  );

  // --- 2. idle connections -------------------------------------------------
  if (IDLE > 0) {
    const target = chats[1];
    await new Promise((r) => setTimeout(r, 1000));
    const base = await rssKiB(target.pid);
    const idle: WebSocket[] = [];
    for (let i = 0; i < IDLE; i += 100) {
      idle.push(
        ...await Promise.all(
          Array.from(
            { length: Math.min(100, IDLE - i) },
            () =>
              new Promise<WebSocket>((resolve, reject) => {
                const ws = new WebSocket(
                  `${target.url.replace("http", "ws")}/ws?token=${reader.token}`,
                );
                ws.onopen = () => resolve(ws);
                ws.onerror = () => reject(new Error("idle socket failed"));
              }),
          ),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
    const loaded = await rssKiB(target.pid);
    console.log(
      `idle: ${IDLE} connections on one instance: RSS ${(base / 1024).toFixed(0)} → ${
        (loaded / 1024).toFixed(0)
      } MiB = ${((loaded - base) / IDLE).toFixed(1)} KiB per connection`,
    );
    for (const ws of idle) ws.close();
  }
} finally {
  await stack.stop();
}
Deno.exit(0);

/**
 * CPU seconds used from now on by the chat-service instances (by their `deno task` pids),
 * the local Kafka, Cassandra and Postgres (by their pid files under .infra/; Postgres with
 * its backends), and this process (the load generator and its workers).
 */
async function cpuMeter(chatTaskPids: readonly number[], gatewayTaskPids: readonly number[]) {
  const infra = new URL("../.infra/", import.meta.url).pathname;
  const chatPids = (await Promise.all(chatTaskPids.map(servicePid))).filter((p) => p !== undefined);
  const gatewayPids = (await Promise.all(gatewayTaskPids.map(servicePid))).filter((p) =>
    p !== undefined
  );
  const pidFile = (path: string) =>
    Deno.readTextFile(`${infra}${path}`).then((t) => [Number(t.split("\n")[0])], () => []);
  const withChildren = async (roots: number[]): Promise<number[]> => {
    const all: number[] = [];
    for (const root of roots) {
      all.push(root);
      const children = await Deno.readTextFile(`/proc/${root}/task/${root}/children`).catch(() =>
        ""
      );
      all.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
    }
    return all;
  };
  const components = {
    kafka: await pidFile("kafka/pid"),
    cassandra: await pidFile("cassandra/pid"),
    postgres: await withChildren(await pidFile("postgres/data/postmaster.pid")),
  };
  const sum = async (pids: readonly number[]) =>
    (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const read = async () => ({
    chat: await sum(chatPids),
    gateway: await sum(gatewayPids),
    kafka: await sum(components.kafka),
    cassandra: await sum(components.cassandra),
    postgres: await sum(components.postgres),
    generator: await sum([Deno.pid]),
  });
  const start = await read();
  return {
    async used() {
      const end = await read();
      const kafka = end.kafka - start.kafka;
      const cassandra = end.cassandra - start.cassandra;
      const postgres = end.postgres - start.postgres;
      return {
        chat: end.chat - start.chat,
        gateway: end.gateway - start.gateway,
        infra: kafka + cassandra + postgres,
        kafka,
        cassandra,
        postgres,
        generator: end.generator - start.generator,
      };
    },
  };
}
