/** GetUser over a real gRPC connection against real Postgres. */
import assert from "node:assert/strict";
import { callGetUser, createUserServiceClient } from "@chat-ts/shared/grpc/user-service";
import { silentLogger } from "@chat-ts/shared/logger";
import { uniqueName } from "../../../../../tests/support/names.ts";
import { createTestUserService } from "../../../../../tests/support/user_service.ts";
import { startUserGrpcServer } from "./user_server.ts";

Deno.test({
  name: "grpc GetUser: the user for a known id, an error for unknown and malformed ids",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const svc = createTestUserService();
    const server = await startUserGrpcServer({
      users: svc.users,
      host: "127.0.0.1",
      port: 0,
      logger: silentLogger,
    });
    const client = createUserServiceClient(`127.0.0.1:${server.port}`);
    try {
      const username = uniqueName("Grpc");
      const registered = await svc.users.register({
        username,
        emailAddress: `${username}@example.com`,
        password: "password123",
      });
      assert.ok(registered.ok);
      const user = registered.value;

      assert.deepEqual(await callGetUser(client, { user_id: user.id }, 2000), {
        result: "user",
        user: {
          id: user.id,
          username,
          email: `${username}@example.com`.toLowerCase(),
          created_at: user.createdAt.toISOString(),
        },
      });
      assert.deepEqual(await callGetUser(client, { user_id: crypto.randomUUID() }, 2000), {
        result: "error",
        error: "User not found",
      });
      const malformed = await callGetUser(client, { user_id: "12; drop table users" }, 2000);
      assert.equal(malformed.result, "error");
      assert.ok(malformed.result === "error" && /user_id/.test(malformed.error));
    } finally {
      client.close();
      await server.stop();
      await svc.close();
    }
  },
});
