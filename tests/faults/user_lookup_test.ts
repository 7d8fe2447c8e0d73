/**
 * The username fallback chain against a real user-service process and the
 * real replica: write-through, degraded mode while user-service is down with
 * a bounded number of gRPC calls (the breaker opens), and recovery.
 */
import assert from "node:assert/strict";
import { silentLogger } from "@chat-ts/shared/logger";
import { connectPostgres } from "@chat-ts/shared/postgres";
import type { UserId } from "../../services/chat-service/src/domain/ids.ts";
import { GrpcUserDirectory } from "../../services/chat-service/src/outbound/grpc/user_directory.ts";
import { PostgresUserReplica } from "../../services/chat-service/src/outbound/postgres/user_replica.ts";
import { UserLookupChain } from "../../services/chat-service/src/outbound/cache/user_lookup_chain.ts";
import { testDatabaseUrl } from "../support/env.ts";
import { freePort } from "../support/process.ts";
import { registerUser, startUserServiceProcess } from "../support/stack.ts";

const chatDatabase = testDatabaseUrl("chat");

Deno.test({
  name:
    "user lookup: replica, gRPC with write-through, a breaker that bounds calls while user-service is down, recovery",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const httpPort = freePort();
    const grpcPort = freePort();
    let userService = await startUserServiceProcess(httpPort, grpcPort);
    const sql = connectPostgres({ url: chatDatabase, max: 2 });
    // A deadline a loaded machine meets (a refused connection fails at once, whatever it is).
    const grpc = new GrpcUserDirectory(`127.0.0.1:${grpcPort}`, 2000, silentLogger);
    const chain = new UserLookupChain({
      replica: new PostgresUserReplica(sql),
      remote: grpc,
      logger: silentLogger,
      retries: 2,
      initialBackoffMs: 10,
      breakerThreshold: 3,
      breakerCooldownMs: 1000,
    });
    try {
      const ada = await registerUser(`http://127.0.0.1:${httpPort}`, "lookup");
      assert.deepEqual(await chain.lookup(ada.id as UserId), {
        status: "found",
        username: ada.username,
      });
      assert.equal(grpc.calls, 1);
      assert.deepEqual(await chain.lookup(ada.id as UserId), {
        status: "found",
        username: ada.username,
      });
      assert.equal(
        grpc.calls,
        1,
        "the second lookup is answered by the replica it was written through to",
      );
      assert.deepEqual(await chain.lookup(crypto.randomUUID() as UserId), { status: "not_found" });

      await userService.stop();
      const before = grpc.calls;
      for (let i = 0; i < 20; i++) {
        assert.deepEqual(await chain.lookup(crypto.randomUUID() as UserId), {
          status: "unavailable",
        });
      }
      const made = grpc.calls - before;
      assert.ok(
        made <= 3 * 3,
        `at most threshold × attempts calls before the breaker opened, made ${made}`,
      );
      assert.equal(chain.breakerState, "open");
      assert.deepEqual(
        await chain.lookup(ada.id as UserId),
        { status: "found", username: ada.username },
        "the replica still answers",
      );

      userService = await startUserServiceProcess(httpPort, grpcPort);
      const grace = await registerUser(`http://127.0.0.1:${httpPort}`, "lookup");
      await new Promise((r) => setTimeout(r, 1100)); // the cool-down: the next call is a probe
      // An unknown id misses the replica for sure (another stack's replica consumer may
      // already hold grace), so this lookup is the probe.
      assert.deepEqual(await chain.lookup(crypto.randomUUID() as UserId), { status: "not_found" });
      assert.equal(chain.breakerState, "closed");
      assert.deepEqual(await chain.lookup(grace.id as UserId), {
        status: "found",
        username: grace.username,
      });
    } finally {
      grpc.close();
      await sql.end();
      await userService.stop();
    }
  },
});
