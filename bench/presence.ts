/**
 * Presence and typing benchmark (a script that prints figures; not a test). Starts user-service,
 * presence-service and two chat-service instances (each under its `deno task start`
 * permissions) on the local infrastructure. U users in private channels of G members (a team's
 * small groups: each user is in one), one WebSocket per user, alternately on the two instances,
 * subscribed to their channel; the sockets live in worker threads so the load generator does not
 * share one event loop with them. For S seconds the users send C status changes/s (`set_status`,
 * alternating away/online per user) and T typing frames/s (each user at most once per 2 s while
 * U/T ≥ 2), and it prints:
 *  - presence and typing frames delivered per second (and how many a change or typing frame
 *    should reach: the G − 1 other members), send → frame p50/p99/max (a presence frame is
 *    timed against its user's last change when it carries that change's status);
 *  - CPU µs per event (status change or typing frame) of each process: the services, Kafka,
 *    Redis (user + system time from /proc over the measured window);
 *  - Redis commands per event (INFO commandstats before and after; heartbeats and sweeps
 *    included).
 *
 * ./deno run -A bench/presence.ts [--users 5000] [--group 10] [--changes 1000] [--typing 200]
 *   [--seconds 60]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { closeRedis, connectRedis } from "@chat-ts/shared/redis";
import { silentLogger } from "@chat-ts/shared/logger";
import { api } from "../tests/support/http.ts";
import { uniqueChannelName, uniqueName } from "../tests/support/names.ts";
import { connectPostgres } from "@chat-ts/shared/postgres";
import { createTokenCodec } from "@chat-ts/shared/jwt";
import { TEST_JWT_SECRET, testDatabaseUrl, testRedisUrl } from "../tests/support/env.ts";
import { cpuSeconds, servicePid } from "../tests/support/process.ts";
import { type RegisteredUser, startStack } from "../tests/support/stack.ts";
import { arg } from "./args.ts";
import { replies } from "./measure.ts";

const USERS = arg("users", 5000);
const GROUP = Math.max(2, arg("group", 10));
const CHANGES = arg("changes", 1000);
const TYPING = Math.min(arg("typing", 200), USERS / 2);
const SECONDS = arg("seconds", 60);
const WORKERS = arg("workers", 2);

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** `size` at a time, in order. */
async function inBatches<T, R>(items: readonly T[], size: number, f: (t: T) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...await Promise.all(items.slice(i, i + size).map(f)));
  }
  return out;
}

async function redisCalls(redis: Awaited<ReturnType<typeof connectRedis>>): Promise<number> {
  const info = await redis.info("commandstats");
  let calls = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) calls += Number(m[1]);
  return calls;
}

const infra = new URL("../.infra/", import.meta.url).pathname;
const pidFile = (path: string) =>
  Deno.readTextFile(`${infra}${path}`).then((t) => Number(t.split("\n")[0]), () => undefined);

/**
 * U users without U Argon2id hashes (two per user through the API: ~10 users/s here): one is
 * registered through user-service, the others are rows with a copy of its password hash
 * written straight into the users database (chat-service finds them by `GetUser`), and each
 * gets an access token signed with the stack's JWT secret, as login would issue.
 */
async function createUsers(count: number): Promise<RegisteredUser[]> {
  const first = await stack.register("pb");
  const sql = connectPostgres({ url: testDatabaseUrl("users"), max: 2 });
  const tokens = createTokenCodec({ secret: TEST_JWT_SECRET });
  try {
    const [{ password_hash }] = await sql<{ password_hash: string }[]>`
      select password_hash from users where id = ${first.id}`;
    const rows = Array.from({ length: count - 1 }, () => {
      const username = uniqueName("pb");
      return {
        id: crypto.randomUUID(),
        username,
        email: `${username}@example.com`,
        password_hash,
        created_at: new Date(),
        updated_at: new Date(),
      };
    });
    for (let i = 0; i < rows.length; i += 1000) {
      await sql`insert into users ${sql(rows.slice(i, i + 1000))}`;
    }
    const rest = await Promise.all(rows.map(async (r) => ({
      id: r.id,
      username: r.username,
      password: first.password,
      token: await tokens.issue({ userId: r.id, username: r.username }),
      refreshToken: "",
    })));
    return [first, ...rest];
  } finally {
    await sql.end();
  }
}

const stack = await startStack({
  chatEnv: { LOG_LEVEL: "error" },
  presence: { LOG_LEVEL: "error" },
  userEnv: { LOG_LEVEL: "error" },
});
const redis = await connectRedis({ url: testRedisUrl(), logger: silentLogger });
const workers: Worker[] = [];
try {
  const [a, b] = stack.chatUrls;
  const setupStarted = performance.now();
  const users = await createUsers(USERS);
  const groups = Array.from(
    { length: Math.ceil(USERS / GROUP) },
    (_, g) => users.slice(g * GROUP, (g + 1) * GROUP),
  );
  const channelOf = new Map<string, string>();
  await inBatches(groups, 8, async (group) => {
    const [owner, ...members] = group;
    const created = await api(a, "POST", "/api/channels", owner.token, {
      channel_type: "private",
      name: uniqueChannelName("presence-bench"),
    });
    if (created.status !== 201) throw new Error(`channel: ${JSON.stringify(created.body)}`);
    const channelId: string = created.body.data.id;
    for (const user of group) channelOf.set(user.id, channelId);
    for (const member of members) {
      const added = await api(a, "POST", `/api/channels/${channelId}/members`, owner.token, {
        user_id: member.id,
      });
      if (added.status >= 300) throw new Error(`member: ${JSON.stringify(added.body)}`);
    }
  });
  console.log(
    `set-up: ${USERS} users in ${groups.length} channels of ${GROUP} in ${
      ((performance.now() - setupStarted) / 1000).toFixed(0)
    } s`,
  );

  const ids = users.map((u) => u.id);
  const sentAt = new SharedArrayBuffer(USERS * 2 * Float64Array.BYTES_PER_ELEMENT);
  const share = Math.ceil(USERS / WORKERS);
  for (let w = 0; w < WORKERS; w++) {
    const worker = new Worker(new URL("./presence_worker.ts", import.meta.url), { type: "module" });
    workers.push(worker);
    const slice = users.slice(w * share, (w + 1) * share).map((u, i) => ({
      id: u.id,
      token: u.token,
      channelId: channelOf.get(u.id) as string,
      url: (w * share + i) % 2 === 0 ? a : b,
    }));
    const ready = replies(worker, "ready");
    worker.postMessage({ type: "start", users: slice, ids, sentAt, first: w * share });
    await ready;
  }
  // Connects settle: every user's "online" has reached the other members.
  await new Promise((r) => setTimeout(r, 8000));

  const pids: Record<string, number | undefined> = {
    "user-service": await servicePid(stack.userPid ?? 0),
    "presence-service": await servicePid(stack.presencePid ?? 0),
    "chat-service 0": await servicePid(stack.chatPids[0]),
    "chat-service 1": await servicePid(stack.chatPids[1]),
    kafka: await pidFile("kafka/pid"),
    redis: await pidFile("redis/pid"),
    "load generator": Deno.pid,
  };
  const cpu = () =>
    Promise.all(Object.values(pids).map((pid) => pid === undefined ? 0 : cpuSeconds(pid)));
  const cpuBefore = await cpu();
  const redisBefore = await redisCalls(redis);
  const sent = await Promise.all(workers.map((worker) => {
    const done = replies(worker, "sent");
    worker.postMessage({
      type: "run",
      changesPerSecond: CHANGES / WORKERS,
      typingPerSecond: TYPING / WORKERS,
      seconds: SECONDS,
    });
    return done;
  }));
  await new Promise((r) => setTimeout(r, 3000)); // drain
  const redisAfter = await redisCalls(redis);
  const cpuAfter = await cpu();
  const results = await Promise.all(workers.map((worker) => {
    const result = replies(worker, "result");
    worker.postMessage({ type: "stop" });
    return result;
  }));

  const changes = sent.reduce((n, s) => n + s.changes, 0);
  const typings = sent.reduce((n, s) => n + s.typings, 0);
  const events = changes + typings;
  console.log(
    `${USERS} users (channels of ${GROUP}) on 2 instances, ${SECONDS} s: ${changes} status changes (${
      (changes / SECONDS).toFixed(0)
    }/s), ${typings} typing frames (${(typings / SECONDS).toFixed(0)}/s)`,
  );
  for (const kind of ["presence", "typing"] as const) {
    const delivered = results.reduce((n, r) => n + r.counts[kind], 0);
    const l = results.flatMap((r) => r.latencies[kind]).sort((x, y) => x - y);
    console.log(
      `  ${kind.padEnd(8)} frames delivered ${(delivered / SECONDS).toFixed(0)}/s (${
        (delivered / Math.max(1, kind === "presence" ? changes : typings)).toFixed(1)
      } per ${kind === "presence" ? "change" : "typing frame"}; ${
        GROUP - 1
      } other members each); send → frame p50 ${percentile(l, 50).toFixed(0)} ms, p99 ${
        percentile(l, 99).toFixed(0)
      } ms, max ${percentile(l, 100).toFixed(0)} ms`,
    );
  }
  Object.keys(pids).forEach((name, i) => {
    const used = cpuAfter[i] - cpuBefore[i];
    console.log(
      `  CPU ${name.padEnd(16)} ${(used / events * 1e6).toFixed(0)} µs per event (${
        used.toFixed(1)
      } s)`,
    );
  });
  console.log(
    `  Redis commands per event: ${((redisAfter - redisBefore) / Math.max(1, events)).toFixed(2)}`,
  );
  const abnormal = results.reduce((n, r) => n + r.closedAbnormally, 0);
  console.log(`  sockets closed abnormally: ${abnormal}`);
} finally {
  for (const worker of workers) worker.terminate();
  await closeRedis(redis);
  await stack.stop();
}
