/**
 * user-service as its own process under `deno task start`: proves the task's
 * narrow permissions cover registration, login, reads, gRPC, the outbox relay
 * and a graceful shutdown.
 */
import assert from "node:assert/strict";
import { callGetUser, createUserServiceClient } from "@chat-ts/shared/grpc/user-service";
import { TEST_JWT_SECRET } from "../support/env.ts";
import { uniqueName } from "../support/names.ts";
import { freePort, startTask } from "../support/process.ts";

Deno.test({
  name: "user-service process: serves HTTP and gRPC under its task's permissions and stops cleanly",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const httpPort = freePort();
    const grpcPort = freePort();
    const service = await startTask({
      cwd: new URL("../../services/user-service/", import.meta.url).pathname,
      task: "start",
      env: {
        HTTP_PORT: String(httpPort),
        GRPC_PORT: String(grpcPort),
        JWT_SECRET: TEST_JWT_SECRET,
      },
      readyUrl: `http://127.0.0.1:${httpPort}/health/ready`,
    });
    const base = `http://127.0.0.1:${httpPort}`;
    const client = createUserServiceClient(`127.0.0.1:${grpcPort}`);
    try {
      const username = uniqueName();
      const created = await fetch(`${base}/api/users`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          username,
          email_address: `${username}@example.com`,
          password: "password123",
        }),
      });
      assert.equal(created.status, 201);
      const user = (await created.json()).data;

      const login = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username, password: "password123" }),
      });
      assert.equal(login.status, 200);
      const { token } = (await login.json()).data;

      const read = await fetch(`${base}/api/users/${user.id}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(read.status, 200);
      assert.deepEqual((await read.json()).data, user);

      const viaGrpc = await callGetUser(client, { user_id: user.id }, 3000);
      assert.ok(viaGrpc.result === "user" && viaGrpc.user.username === username);

      // The relay publishes the event under the same permissions: the outbox drains.
      let ready: { data: { outbox: { pending: number; relay: string } } } | undefined;
      for (let i = 0; i < 100; i++) {
        ready = await (await fetch(`${base}/health/ready`)).json();
        if (ready?.data.outbox.relay === "ok" && ready.data.outbox.pending === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(ready?.data.outbox.relay, "ok");
      assert.equal(ready?.data.outbox.pending, 0);
      // Login throttles are kept in Redis under the same permissions.
      assert.equal((ready?.data as Record<string, unknown> | undefined)?.redis, "ok");
    } finally {
      client.close();
      const code = await service.stop();
      assert.equal(code, 0, service.output());
      assert.doesNotMatch(service.output(), /NotCapable|PermissionDenied/);
    }
  },
});
