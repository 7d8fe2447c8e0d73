/**
 * The gRPC user directory against a real gRPC server built in the test from
 * proto/user.proto, over a real connection: found, not found, a server too
 * slow for the deadline, and no server at all.
 */
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { silentLogger as logger } from "@chat-ts/shared/logger";
import type { UserId } from "../../domain/ids.ts";
import { CachedUserDirectory } from "../cache/cached_user_directory.ts";
import { GrpcUserDirectory } from "./user_directory.ts";

const PROTO = new URL("../../../../../proto/user.proto", import.meta.url).pathname;

function serviceDefinition(): grpc.ServiceDefinition {
  const loaded = grpc.loadPackageDefinition(
    protoLoader.loadSync(PROTO, { keepCase: true, defaults: true, oneofs: true }),
  );
  const pkg = loaded.user;
  if (typeof pkg !== "object" || pkg === null || !("UserService" in pkg)) {
    throw new Error("proto has no user.UserService");
  }
  const ctor = pkg.UserService;
  if (typeof ctor !== "function" || !("service" in ctor)) throw new Error("not a service");
  return ctor.service;
}

async function startServer(
  users: Map<string, string>,
  delayMs = 0,
): Promise<{ address: string; calls: () => number; stop: () => Promise<void> }> {
  const server = new grpc.Server();
  let calls = 0;
  server.addService(serviceDefinition(), {
    GetUser: (
      call: grpc.ServerUnaryCall<{ user_id: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      calls++;
      const id = call.request.user_id;
      const username = users.get(id);
      const answer = username === undefined ? { error: "User not found" } : {
        user: {
          id,
          username,
          email: `${username}@example.com`,
          created_at: "2026-01-01T00:00:00.000Z",
        },
      };
      setTimeout(() => callback(null, answer), delayMs);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, port) => error === null ? resolve(port) : reject(error),
    )
  );
  return {
    address: `127.0.0.1:${port}`,
    calls: () => calls,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

const id = () => crypto.randomUUID() as UserId;

Deno.test("grpc user directory: found users, unknown users, and the cache in front", async () => {
  const known = id();
  const server = await startServer(new Map([[known, "Alice_1"]]));
  const directory = new GrpcUserDirectory(server.address, 2000, logger);
  try {
    assert.deepEqual(await directory.lookup(known), { status: "found", username: "Alice_1" });
    assert.deepEqual(await directory.lookup(id()), { status: "not_found" });

    const cached = new CachedUserDirectory(directory, {
      maxEntries: 10,
      ttlMs: 60_000,
      notFoundTtlMs: 1000,
    });
    const before = server.calls();
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(await cached.lookup(known), { status: "found", username: "Alice_1" });
    }
    assert.equal(server.calls() - before, 1);
  } finally {
    directory.close();
    await server.stop();
  }
});

Deno.test("grpc user directory: a slow server or no server is 'unavailable', within the deadline", async () => {
  const known = id();
  const slow = await startServer(new Map([[known, "Slow_1"]]), 1000);
  const slowDirectory = new GrpcUserDirectory(slow.address, 100, logger);
  try {
    const started = performance.now();
    assert.deepEqual(await slowDirectory.lookup(known), { status: "unavailable" });
    assert.ok(performance.now() - started < 900, "the per-call deadline applies");
  } finally {
    slowDirectory.close();
    await slow.stop();
  }

  const gone = await startServer(new Map());
  await gone.stop();
  const nowhere = new GrpcUserDirectory(gone.address, 300, logger);
  try {
    assert.deepEqual(await nowhere.lookup(known), { status: "unavailable" });
  } finally {
    nowhere.close();
  }
});
