/**
 * Gateway overhead on `GET /api/users/{id}` (a script that prints figures; not a test): starts
 * user-service and one gateway in front of it (each under its `deno task start` permissions,
 * the gateway at its production log level, `info`, so the access log is paid for), then runs the
 * same closed-loop load — C connections, each sending its next request when the last is
 * answered — for S seconds straight at user-service and S seconds through the gateway: req/s,
 * p50/p99 latency, and the CPU seconds per 1000 requests of each process (/proc).
 *
 * ./deno run -A bench/gateway.ts [--connections 50] [--seconds 15] [--warmup 3]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { cpuSeconds, freePort, servicePid } from "../tests/support/process.ts";
import {
  registerUser,
  startGatewayProcess,
  startUserServiceProcess,
} from "../tests/support/stack.ts";
import { arg } from "./args.ts";

const CONNECTIONS = arg("connections", 50);
const SECONDS = arg("seconds", 15);
const WARMUP = arg("warmup", 3);

interface Run {
  readonly requests: number;
  readonly failed: number;
  readonly seconds: number;
  readonly latencies: number[];
}

/** C loops of GET for `seconds`; every answer must be 200. */
async function load(url: string, token: string, seconds: number): Promise<Run> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      if (res.status !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    failed,
    seconds: (performance.now() - started) / 1000,
    latencies,
  };
}

const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

const httpPort = freePort();
const gatewayPort = freePort();
const userService = await startUserServiceProcess(httpPort, freePort());
const direct = `http://127.0.0.1:${httpPort}`;
const gateway = await startGatewayProcess(gatewayPort, {
  users: direct,
  chat: ["http://127.0.0.1:9"],
  presence: "http://127.0.0.1:9",
}, {
  LOG_LEVEL: Deno.env.get("GATEWAY_BENCH_LOG_LEVEL") ?? "info",
  // The benchmark is one client address: the edge limits would be what is measured.
  GATEWAY_OTHER_PER_ADDRESS: "1000000",
  GATEWAY_OTHER_PER_USER: "1000000",
});
try {
  const user = await registerUser(direct, "gwbench");
  const path = `/api/users/${user.id}`;
  const pids = {
    user: await servicePid(userService.pid),
    gateway: await servicePid(gateway.pid),
  };
  const cpu = async () => ({
    user: pids.user === undefined ? 0 : await cpuSeconds(pids.user),
    gateway: pids.gateway === undefined ? 0 : await cpuSeconds(pids.gateway),
  });
  console.log(
    `GET /api/users/{id}, ${CONNECTIONS} connections, ${SECONDS} s each (after ${WARMUP} s warm-up)`,
  );
  for (
    const [label, base] of [["direct", direct], [
      "through gateway",
      `http://127.0.0.1:${gatewayPort}`,
    ]]
  ) {
    await load(`${base}${path}`, user.token, WARMUP);
    const before = await cpu();
    const run = await load(`${base}${path}`, user.token, SECONDS);
    const after = await cpu();
    const per1000 = (s: number) => ((s / run.requests) * 1000).toFixed(3);
    console.log(
      `${label.padEnd(16)} ${(run.requests / run.seconds).toFixed(0).padStart(6)} req/s  p50 ${
        at(run.latencies, 0.5).toFixed(2)
      } ms  p99 ${
        at(run.latencies, 0.99).toFixed(2)
      } ms  failed ${run.failed}  CPU s/1000 req: user-service ${
        per1000(after.user - before.user)
      }, gateway ${per1000(after.gateway - before.gateway)}`,
    );
  }
} finally {
  await gateway.stop();
  await userService.stop();
}
