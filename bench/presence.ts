/**
 * Presence and typing benchmark (a script that prints figures; not a test). Starts user-service,
 * presence-service and two chat-service instances (each under its `deno task start`
 * permissions) on the local infrastructure; U users share one private channel, connected
 * alternately to the two instances and subscribed to it. For S seconds it sends C status
 * changes/s (`set_status`, alternating away/online per user) and T typing frames/s (each user at
 * most once per 2 s), spread over the users, and prints:
 *  - presence and typing frames delivered per second, and send → frame p50/p99/max;
 *  - CPU ms per event of each process (user + system time from /proc);
 *  - Redis commands per status change (INFO commandstats before and after).
 *
 * ./deno run -A bench/presence.ts [--users 100] [--changes 200] [--typing 40] [--seconds 20]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { closeRedis, connectRedis } from "@chat-ts/shared/redis";
import { silentLogger } from "@chat-ts/shared/logger";
import { api } from "../tests/support/http.ts";
import { uniqueChannelName } from "../tests/support/names.ts";
import { testRedisUrl } from "../tests/support/env.ts";
import { TestSocket } from "../tests/support/socket.ts";
import { type RegisteredUser, startStack } from "../tests/support/stack.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}
const USERS = arg("users", 100);
const CHANGES = arg("changes", 200);
const TYPING = Math.min(arg("typing", 40), USERS / 2);
const SECONDS = arg("seconds", 20);

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** user + system CPU ms of every process under a `deno task` pid. */
async function cpuMs(taskPid: number): Promise<number> {
  let total = 0;
  const pending = [taskPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    try {
      const stat = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1].split(" ");
      total += (Number(stat[11]) + Number(stat[12])) * 10; // clock ticks of 10 ms
      for await (const task of Deno.readDir(`/proc/${pid}/task`)) {
        const children = await Deno.readTextFile(`/proc/${pid}/task/${task.name}/children`);
        pending.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
      }
    } catch { /* ended */ }
  }
  return total;
}

async function redisCalls(redis: Awaited<ReturnType<typeof connectRedis>>): Promise<number> {
  const info = await redis.info("commandstats");
  let calls = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) calls += Number(m[1]);
  return calls;
}

const stack = await startStack({
  chatEnv: { LOG_LEVEL: "error" },
  presence: { LOG_LEVEL: "error" },
});
const redis = await connectRedis({ url: testRedisUrl(), logger: silentLogger });
const sockets: TestSocket[] = [];
try {
  const [a, b] = stack.chatUrls;
  const users: RegisteredUser[] = [];
  for (let i = 0; i < USERS; i += 5) {
    users.push(
      ...await Promise.all(
        Array.from({ length: Math.min(5, USERS - i) }, () => stack.register("pb")),
      ),
    );
  }
  const owner = users[0];
  const created = await api(a, "POST", "/api/channels", owner.token, {
    channel_type: "private",
    name: uniqueChannelName("presence-bench"),
  });
  const channelId: string = created.body.data.id;
  for (const user of users.slice(1)) {
    await api(a, "POST", `/api/channels/${channelId}/members`, owner.token, { user_id: user.id });
  }
  for (const [i, user] of users.entries()) {
    const socket = await TestSocket.open(i % 2 === 0 ? a : b, user.token);
    await socket.subscribe(channelId);
    sockets.push(socket);
  }
  await new Promise((r) => setTimeout(r, 2000)); // connects settle
  for (const s of sockets) s.frames.length = 0;

  // Frames are timestamped on arrival; sends are remembered by user and kind.
  const sentAt = new Map<string, number>();
  const latencies = { presence: [] as number[], typing: [] as number[] };
  const counts = { presence: 0, typing: 0 };
  for (const s of sockets) {
    s.socket.addEventListener("message", (e) => {
      const f = JSON.parse(String(e.data));
      if (f.type !== "presence" && f.type !== "typing") return;
      counts[f.type as "presence" | "typing"]++;
      const t = sentAt.get(`${f.type}:${f.user_id}`);
      if (t !== undefined) latencies[f.type as "presence" | "typing"].push(performance.now() - t);
    });
  }

  const pids = {
    "user-service": stack.userPid,
    "presence-service": stack.presencePid,
    "chat-1": stack.chatPids[0],
    "chat-2": stack.chatPids[1],
  };
  const cpuBefore = Object.fromEntries(
    await Promise.all(Object.entries(pids).map(async ([k, p]) => [k, await cpuMs(p ?? 0)])),
  );
  const redisBefore = await redisCalls(redis);
  const away = new Array<boolean>(USERS).fill(false);
  let changes = 0;
  let typings = 0;
  const started = performance.now();
  const tick = 50;
  let next = 0;
  let typer = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= SECONDS) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (; changes < elapsed * CHANGES; changes++) {
        const i = next++ % USERS;
        away[i] = !away[i];
        sentAt.set(`presence:${users[i].id}`, performance.now());
        sockets[i].send({ type: "set_status", status: away[i] ? "away" : "online" });
      }
      for (; typings < elapsed * TYPING; typings++) {
        const i = typer++ % USERS;
        sentAt.set(`typing:${users[i].id}`, performance.now());
        sockets[i].send({ type: "typing", channel_id: channelId });
      }
    }, tick);
  });
  await new Promise((r) => setTimeout(r, 3000)); // drain
  const redisAfter = await redisCalls(redis);
  const cpuAfter = Object.fromEntries(
    await Promise.all(Object.entries(pids).map(async ([k, p]) => [k, await cpuMs(p ?? 0)])),
  );

  const events = changes + typings;
  console.log(
    `${USERS} users on 2 instances, ${SECONDS} s: ${changes} status changes (${CHANGES}/s), ${typings} typing frames (${TYPING}/s)`,
  );
  for (const kind of ["presence", "typing"] as const) {
    const l = latencies[kind].sort((x, y) => x - y);
    console.log(
      `  ${kind.padEnd(8)} frames delivered ${
        (counts[kind] / SECONDS).toFixed(0)
      }/s; send → frame p50 ${percentile(l, 50).toFixed(0)} ms, p99 ${
        percentile(l, 99).toFixed(0)
      } ms, max ${percentile(l, 100).toFixed(0)} ms`,
    );
  }
  for (const name of Object.keys(pids)) {
    console.log(
      `  CPU ${name.padEnd(16)} ${
        ((cpuAfter[name] - cpuBefore[name]) / events).toFixed(3)
      } ms per event`,
    );
  }
  console.log(
    `  Redis commands per status change: ${
      ((redisAfter - redisBefore) / Math.max(1, changes)).toFixed(1)
    } (heartbeats and sweeps included)`,
  );
} finally {
  for (const s of sockets) await s.close().catch(() => {});
  await closeRedis(redis);
  await stack.stop();
}
