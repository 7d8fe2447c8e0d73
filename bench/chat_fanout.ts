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
 *
 * Sends go over WebSocket (`send_message` frames from 10 sender sockets per instance) or, with
 * `--send http`, as POSTs. `--curve 50,100,200,300,500` measures each rate in turn on the same
 * deployment and writes the latency–throughput curve to artifacts/bench/fanout_curve.svg.
 * `--bystander` adds a third instance that no subscriber and no sender uses: what a message no
 * local socket subscribes to costs it, above its own idle cost over the same length of time.
 * With `--gateway`, one gateway (services/gateway, at its production log level) stands in front:
 * the subscribers' sockets and the sends go through it, and its CPU is reported beside
 * chat-service's.
 *
 * ./deno run -A bench/chat_fanout.ts [--rate 500] [--subscribers 100] [--seconds 60] [--idle 2000]
 *   [--warmup 10] [--send ws|http] [--curve R1,R2,…] [--bystander] [--gateway] [--chat-env NAME=VALUE]
 *   [--user-service-down] [--timeline]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { cpuMeter, percentile, replies, rssKiB, startRecording, stopRecording } from "./measure.ts";
import { api } from "../tests/support/http.ts";
import { uniqueChannelName } from "../tests/support/names.ts";
import { startStack } from "../tests/support/stack.ts";
import { arg, envArgs, sendingArgs } from "./args.ts";

const { rate: RATE, seconds: SECONDS, warmup: WARMUP, workers: WORKERS } = sendingArgs(2);
const SUBSCRIBERS = arg("subscribers", 100);
const IDLE = arg("idle", 2000);
/** `--user-service-down`: stop user-service before sending, to see delivery while it is down. */
const USER_SERVICE_DOWN = Deno.args.includes("--user-service-down");
/** `--timeline`: per-second send and delivery percentiles, to see when a tail happens. */
const TIMELINE = Deno.args.includes("--timeline");
const SEND_MODE =
  Deno.args.includes("--send") && Deno.args[Deno.args.indexOf("--send") + 1] === "http"
    ? "http"
    : "ws";
const CURVE = Deno.args.includes("--curve")
  ? Deno.args[Deno.args.indexOf("--curve") + 1].split(",").map(Number)
  : undefined;
const BYSTANDER = Deno.args.includes("--bystander");
/** `--gateway`: subscribers and senders reach chat-service through one gateway. */
const GATEWAY = Deno.args.includes("--gateway");
/** `--chat-env NAME=VALUE`: a variable for the chat-service instances (e.g. fetch settings to compare). */
const CHAT_ENV = envArgs("chat-env");
/** Sender sockets per instance in the WebSocket send mode. */
const SENDER_SOCKETS = 10;

const now = () => performance.timeOrigin + performance.now();

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
  chatInstances: BYSTANDER ? 3 : 2,
  // One reader token for every subscriber and one sender: the per-user limits are lifted.
  chatEnv: {
    LOG_LEVEL: "error",
    MESSAGES_PER_USER_PER_WINDOW: "1000000",
    WS_MAX_CONNECTIONS_PER_USER: "10000",
    WS_FRAMES_PER_SECOND: "10000",
    WS_FRAME_BURST: "100000",
    ...CHAT_ENV,
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
/** The instances subscribers and senders use; a bystander (the third) gets neither. */
const urls = GATEWAY ? stack.gatewayUrls : stack.chatUrls.slice(0, 2);
const chats = stack.chatUrls.map((url, i) => ({ url, pid: stack.chatPids[i] }));
const register = () => stack.register("bench");

interface SendResult {
  readonly sent: number;
  readonly failed: number;
  readonly failures: Map<number | string, number>;
  /** HTTP mode: each send's answer time; WebSocket mode: none (a frame has no answer). */
  readonly latencies: number[];
  readonly sentTimes: number[];
  readonly started: number;
  readonly seconds: number;
}

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
  await Promise.all(workers.map((w, i) => {
    const ready = replies(w, "ready");
    const count = Math.floor(SUBSCRIBERS / WORKERS) + (i < SUBSCRIBERS % WORKERS ? 1 : 0);
    w.postMessage({ type: "start", urls, token: reader.token, channelId, count });
    return ready;
  }));

  // WebSocket senders: frames round-robin over SENDER_SOCKETS sockets per instance.
  const senderSockets = SEND_MODE === "ws"
    ? await Promise.all(
      Array.from({ length: SENDER_SOCKETS * urls.length }, (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(
            `${urls[i % urls.length].replace("http", "ws")}/ws?token=${sender.token}`,
          );
          ws.onopen = () =>
            resolve(ws);
          ws.onerror = () => reject(new Error("sender socket failed"));
        })),
    )
    : [];
  /** Error frames the senders received (a send the server refused), by code. */
  const senderErrors = new Map<string, number>();
  for (const ws of senderSockets) {
    ws.onmessage = (m) => {
      const frame = JSON.parse(String(m.data));
      if (frame.type === "error" || frame.type === "rate_limited" || frame.type === "unavailable") {
        senderErrors.set(
          frame.code ?? frame.type,
          (senderErrors.get(frame.code ?? frame.type) ?? 0) + 1,
        );
      }
    };
  }

  /** A paced sender: posts `rate` messages/s for `seconds`; each tick sends whatever is due. */
  const sendFor = async (rate: number, seconds: number): Promise<SendResult> => {
    let sent = 0;
    let failed = 0;
    /** Failed sends by HTTP status (0: no answer) or error frame code. */
    const failures = new Map<number | string, number>();
    const fail = (status: number) => {
      failed++;
      failures.set(status, (failures.get(status) ?? 0) + 1);
    };
    let inFlight = 0;
    const latencies: number[] = [];
    const sentTimes: number[] = [];
    const started = now();
    const total = rate * seconds;
    const pending: Promise<void>[] = [];
    const errorsBefore = [...senderErrors.values()].reduce((a, b) => a + b, 0);
    while (sent + failed + inFlight < total) {
      const due = Math.min(total, Math.floor(((now() - started) / 1000) * rate));
      while (sent + failed + inFlight < due) {
        const seq = sent + failed + inFlight;
        const content = `${now()} bench message ${seq}`;
        if (SEND_MODE === "ws") {
          const ws = senderSockets[seq % senderSockets.length];
          ws.send(JSON.stringify({ type: "send_message", channel_id: channelId, content }));
          sent++;
          continue;
        }
        const t0 = now();
        inFlight++;
        const p = fetch(`${urls[seq % urls.length]}/api/channels/${channelId}/messages`, {
          method: "POST",
          headers: { Authorization: `Bearer ${sender.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ content }),
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
    if (SEND_MODE === "ws") {
      // Refusals arrive as error frames: count them as failed sends.
      await new Promise((r) => setTimeout(r, 500));
      const errors = [...senderErrors.values()].reduce((a, b) => a + b, 0) - errorsBefore;
      sent -= errors;
      failed += errors;
      for (const [code, n] of senderErrors) failures.set(code, n);
    }
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

  /** One measured phase at `rate`: sends, deliveries, latency, CPU and RSS. */
  const measure = async (rate: number) => {
    if (WARMUP > 0) {
      // JIT, connection pools and JVMs settle first; this phase is reported, not hidden.
      const warm = await sendFor(rate, WARMUP);
      console.log(`warm-up: ${warm.sent} sent at ${rate} msg/s in ${WARMUP} s (not counted below)`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const rssBefore = await Promise.all(chats.map((c) => rssKiB(c.pid)));
    const cpu = await cpuMeter(chats.map((c) => c.pid), stack.gatewayPids, stack.userPid);
    startRecording(workers);
    const sends = await sendFor(rate, SECONDS);
    await new Promise((r) => setTimeout(r, 2000)); // let the last deliveries land
    const cpuUsed = await cpu.used();
    const rssAfter = await Promise.all(chats.map((c) => rssKiB(c.pid)));
    const { results, latencies, deliveries, abnormal } = await stopRecording(workers);
    return { rate, sends, cpuUsed, rssBefore, rssAfter, results, latencies, deliveries, abnormal };
  };

  /** Prints one phase; returns its figures for the curve. */
  const report = (m: Awaited<ReturnType<typeof measure>>) => {
    const { sends, deliveries, latencies, cpuUsed } = m;
    const { sent, failed } = sends;
    const sendSeconds = sends.seconds;
    console.log(
      `fan-out: ${SUBSCRIBERS} subscribers on 2 instances, ${m.rate} msg/s for ${SECONDS} s, sent over ${
        SEND_MODE === "ws" ? "WebSocket" : "HTTP"
      }`,
    );
    console.log(
      `  sent ${sent} (${failed} failed) in ${sendSeconds.toFixed(1)} s = ${
        (sent / sendSeconds).toFixed(0)
      } msg/s${
        failed === 0
          ? ""
          : `; failed by status or code (0: no answer): ${
            JSON.stringify(Object.fromEntries(sends.failures))
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
      return undefined;
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(
      `  latency send→delivery ms: p50 ${p50.toFixed(1)}  p99 ${p99.toFixed(1)}  max ${
        latencies[latencies.length - 1].toFixed(1)
      }`,
    );
    if (sends.latencies.length > 0) {
      const sortedSends = [...sends.latencies].sort((a, b) => a - b);
      console.log(
        `  HTTP send ms: p50 ${percentile(sortedSends, 50).toFixed(1)}  p99 ${
          percentile(sortedSends, 99).toFixed(1)
        }`,
      );
    }
    if (TIMELINE) {
      printTimeline(sends.started, sends, {
        latencies: m.results.flatMap((r) => r.latencies),
        sentTimes: m.results.flatMap((r) => r.sentTimes),
      });
    }
    console.log(`  sockets closed abnormally: ${m.abnormal}`);
    const µs = (seconds: number) => (seconds / deliveries) * 1e6;
    const perDelivery = (seconds: number) => `${µs(seconds).toFixed(1)} µs`;
    const loadedChat = cpuUsed.perInstance.slice(0, 2).reduce((a, b) => a + b, 0);
    console.log(
      `  CPU per delivery: chat-service ${perDelivery(loadedChat)} (${
        cpuUsed.perInstance.slice(0, 2).map((s) => `${s.toFixed(2)} s`).join(" + ")
      } on the two instances), with Kafka + Cassandra + Postgres ${
        perDelivery(loadedChat + cpuUsed.infra)
      } (Kafka ${perDelivery(cpuUsed.kafka)}, Cassandra ${
        perDelivery(cpuUsed.cassandra)
      }, Postgres ${perDelivery(cpuUsed.postgres)}), load generator ${
        perDelivery(cpuUsed.generator)
      }${
        GATEWAY ? `, gateway ${perDelivery(cpuUsed.gateway)} (${cpuUsed.gateway.toFixed(1)} s)` : ""
      }; user-service ${cpuUsed.userService.toFixed(2)} s in all`,
    );
    chats.forEach((_c, i) =>
      console.log(
        `  instance ${i}${i >= 2 ? " (bystander)" : ""} RSS: ${
          (m.rssBefore[i] / 1024).toFixed(0)
        } MiB before, ${(m.rssAfter[i] / 1024).toFixed(0)} MiB after`,
      )
    );
    return { rate: m.rate, achieved: sent / sendSeconds, p50, p99, chatUs: µs(loadedChat) };
  };

  if (BYSTANDER) {
    // Its idle cost over a window as long as the measured one, to subtract below.
    const idleCpu = await cpuMeter([chats[2].pid]);
    await new Promise((r) => setTimeout(r, (SECONDS + 2) * 1000));
    const idle = (await idleCpu.used()).perInstance[0];
    const m = await measure(RATE);
    report(m);
    const busy = m.cpuUsed.perInstance[2];
    const records = m.sends.sent;
    console.log(
      `  bystander (no subscriber, no sender): ${
        busy.toFixed(2)
      } s CPU while ${records} messages went by, ${idle.toFixed(2)} s idle over as long = ${
        (((busy - idle) / records) * 1e6).toFixed(2)
      } µs per message it skipped`,
    );
  } else if (CURVE === undefined) {
    if (report(await measure(RATE)) === undefined) {
      await stack.stop();
      Deno.exit(1);
    }
  } else {
    const points = [];
    for (const rate of CURVE) {
      const point = report(await measure(rate));
      if (point !== undefined) points.push(point);
    }
    console.log("curve: rate  achieved  p50 ms  p99 ms  chat µs/delivery");
    for (const p of points) {
      console.log(
        `  ${String(p.rate).padStart(4)}  ${p.achieved.toFixed(0).padStart(8)}  ${
          p.p50.toFixed(1).padStart(6)
        }  ${p.p99.toFixed(1).padStart(6)}  ${p.chatUs.toFixed(1).padStart(6)}`,
      );
    }
    const path = new URL("../artifacts/bench/fanout_curve.svg", import.meta.url).pathname;
    await Deno.mkdir(new URL("../artifacts/bench/", import.meta.url), { recursive: true });
    await Deno.writeTextFile(
      path,
      curveSvg(points, `${SUBSCRIBERS} subscribers, ${SEND_MODE} sends`),
    );
    console.log(`curve written to ${path}`);
  }
  for (const w of workers) w.terminate();
  for (const ws of senderSockets) ws.close();

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

/** The latency–throughput curve as an SVG a person can open: p50 and p99 against the rate. */
function curveSvg(
  points: readonly { rate: number; achieved: number; p50: number; p99: number; chatUs: number }[],
  title: string,
): string {
  const width = 640, height = 400, left = 60, right = 20, top = 40, bottom = 50;
  const maxRate = Math.max(...points.map((p) => p.rate));
  const maxMs = Math.max(10, ...points.map((p) => p.p99)) * 1.1;
  const x = (rate: number) => left + (rate / maxRate) * (width - left - right);
  const y = (ms: number) => height - bottom - (ms / maxMs) * (height - top - bottom);
  const line = (pick: (p: (typeof points)[number]) => number, colour: string) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${
      points.map((p) => `${x(p.rate).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(" ")
    }"/>` +
    points.map((p) =>
      `<circle cx="${x(p.rate).toFixed(1)}" cy="${y(pick(p)).toFixed(1)}" r="3" fill="${colour}"/>`
    ).join("");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * maxMs);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="20" font-size="14">send→delivery latency vs send rate (${title})</text>
<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${
    height - bottom
  }" stroke="black"/>
<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="black"/>
${
    ticks.map((ms) =>
      `<text x="${left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms.toFixed(0)}</text>` +
      `<line x1="${left}" y1="${y(ms)}" x2="${width - right}" y2="${y(ms)}" stroke="#ddd"/>`
    ).join("\n")
  }
${
    points.map((p) =>
      `<text x="${x(p.rate)}" y="${height - bottom + 16}" text-anchor="middle">${p.rate}</text>` +
      `<text x="${x(p.rate)}" y="${height - bottom + 30}" text-anchor="middle" fill="#666">${
        p.chatUs.toFixed(0)
      } µs</text>`
    ).join("\n")
  }
<text x="${(left + width - right) / 2}" y="${
    height - 6
  }" text-anchor="middle">messages/s (below: chat-service CPU per delivery)</text>
<text x="14" y="${(top + height - bottom) / 2}" transform="rotate(-90 14 ${
    (top + height - bottom) / 2
  })" text-anchor="middle">ms</text>
${line((p) => p.p50, "#1f77b4")}
${line((p) => p.p99, "#d62728")}
<text x="${width - right - 90}" y="${top + 10}" fill="#1f77b4">p50</text>
<text x="${width - right - 50}" y="${top + 10}" fill="#d62728">p99</text>
</svg>
`;
}
