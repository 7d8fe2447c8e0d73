/**
 * Username lookup latency at each level of chat-service's fallback chain
 * (a script that measures and prints figures; not a test): in-process cache,
 * Postgres replica, user-service over gRPC, and degraded mode (breaker open,
 * user-service stopped). Starts its own user-service under `deno task start`.
 *
 * Usage: ./deno run -A bench/user_lookup.ts [--lookups=2000]
 * (needs `./deno task infra:up` and `./deno task migrate` first)
 */
import { silentLogger } from "@chat-ts/shared/logger";
import { connectPostgres } from "@chat-ts/shared/postgres";
import type { UserId } from "../services/chat-service/src/domain/ids.ts";
import { GrpcUserDirectory } from "../services/chat-service/src/outbound/grpc/user_directory.ts";
import { CachedUserDirectory } from "../services/chat-service/src/outbound/cache/cached_user_directory.ts";
import { PostgresUserReplica } from "../services/chat-service/src/outbound/postgres/user_replica.ts";
import { UserLookupChain } from "../services/chat-service/src/outbound/cache/user_lookup_chain.ts";
import { freePort } from "../tests/support/process.ts";
import { registerUser, startUserServiceProcess } from "../tests/support/stack.ts";
import { testDatabaseUrl } from "../tests/support/env.ts";

const LOOKUPS = Number(Deno.args.find((a) => a.startsWith("--lookups="))?.split("=")[1] ?? 2000);

async function measure(label: string, lookup: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 50; i++) await lookup(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const start = performance.now();
    await lookup(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  console.log(
    `${label.padEnd(34)} p50 ${(at(0.5) * 1000).toFixed(0).padStart(6)} µs   p99 ${
      (at(0.99) * 1000).toFixed(0).padStart(6)
    } µs`,
  );
}

const httpPort = freePort();
const grpcPort = freePort();
const userService = await startUserServiceProcess(httpPort, grpcPort);
const sql = connectPostgres({
  url: testDatabaseUrl("chat"),
  max: 4,
});
const grpc = new GrpcUserDirectory(`127.0.0.1:${grpcPort}`, 500, silentLogger);
const replica = new PostgresUserReplica(sql);
try {
  const ids: UserId[] = [];
  for (let i = 0; i < 20; i++) {
    ids.push((await registerUser(`http://127.0.0.1:${httpPort}`, "bench")).id as UserId);
  }
  for (const id of ids) await replica.remember(id, "bench");
  const chain = new UserLookupChain({
    replica,
    remote: grpc,
    logger: silentLogger,
    breakerCooldownMs: 60_000,
  });
  const cached = new CachedUserDirectory(chain, {
    maxEntries: 10_000,
    ttlMs: 60_000,
    notFoundTtlMs: 5000,
  });
  const pick = (i: number) => ids[i % ids.length];

  console.log(`username lookups, ${LOOKUPS} sequential calls per level`);
  await measure("cache hit", (i) => cached.lookup(pick(i)));
  await measure("replica (Postgres)", (i) => replica.find(pick(i)));
  await measure("user-service (gRPC GetUser)", (i) => grpc.fetch(pick(i)));
  await userService.stop();
  // Unknown ids miss the replica; once the breaker opens they are answered at once.
  for (let i = 0; i < 10; i++) await chain.lookup(crypto.randomUUID() as UserId);
  console.log(`breaker after user-service stopped: ${chain.breakerState}`);
  await measure("degraded (breaker open)", () => chain.lookup(crypto.randomUUID() as UserId));
} finally {
  grpc.close();
  await sql.end();
  await userService.stop();
}
