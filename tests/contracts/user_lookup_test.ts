/**
 * chat-service's "ask user-service" port: answered in process in the
 * embedded mode, over gRPC GetUser in the real deployment. Each runs over a
 * user-service assembled as its mode does (PGlite, or Postgres + gRPC).
 */
import assert from "node:assert/strict";
import { silentLogger } from "@chat-ts/shared/logger";
import { connectPostgres } from "@chat-ts/shared/postgres";
import type { UserId } from "../../services/chat-service/src/domain/ids.ts";
import { GrpcUserDirectory } from "../../services/chat-service/src/outbound/grpc/user_directory.ts";
import type { RemoteUsers } from "../../services/chat-service/src/domain/user/ports.ts";
import { assembleUserService } from "../../services/user-service/src/assembly.ts";
import type { UserService } from "../../services/user-service/src/domain/user/service.ts";
import { startUserGrpcServer } from "../../services/user-service/src/inbound/grpc/user_server.ts";
import type { UserEventPublisher } from "../../services/user-service/src/domain/user/ports.ts";
import { LocalUsers } from "../../embedded/local_users.ts";
import { localGetUser } from "../../services/user-service/src/embedded.ts";
import type { Sql } from "@chat-ts/shared/postgres";
import { testDatabaseUrl } from "../support/env.ts";
import { uniqueName } from "../support/names.ts";
import { contract, migratedPglite } from "./support.ts";

interface Subject {
  /** The user-service behind the port, to register, rename and delete users. */
  readonly users: UserService;
  readonly remote: RemoteUsers;
}

// The relay is never started here: what is under test is the lookup, not events.
const noEvents: UserEventPublisher = {
  publish: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
const userServiceOn = (sql: Sql) =>
  assembleUserService({ sql, publisher: noEvents }, {
    JWT_SECRET: "contract-test-secret-of-32-characters!",
    JWT_TTL_SECONDS: 3600,
  }, silentLogger).users;

async function register(users: UserService) {
  const username = uniqueName("l");
  const registered = await users.register({
    username,
    emailAddress: `${username}@example.com`,
    password: "correct horse battery",
  });
  if (!registered.ok) throw new Error(registered.error.message);
  return registered.value;
}

contract<Subject>("user lookup", [
  {
    name: "in-process",
    async open() {
      const db = await migratedPglite(["user"]);
      const users = userServiceOn(db.sql);
      return { subject: { users, remote: new LocalUsers(localGetUser(users)) }, close: db.close };
    },
  },
  {
    name: "grpc",
    async open() {
      const sql = connectPostgres({ url: testDatabaseUrl("users"), max: 2 });
      const users = userServiceOn(sql);
      const server = await startUserGrpcServer({
        users,
        host: "127.0.0.1",
        port: 0,
        logger: silentLogger,
      });
      const remote = new GrpcUserDirectory(`127.0.0.1:${server.port}`, 2000, silentLogger);
      return {
        subject: { users, remote },
        async close() {
          remote.close();
          await server.stop();
          await sql.end();
        },
      };
    },
  },
], {
  "a registered user is found with their username": async ({ users, remote }) => {
    const user = await register(users);
    assert.deepEqual(await remote.fetch(user.id as string as UserId), {
      status: "found",
      username: user.username,
    });
  },
  "an unknown user is not found": async ({ remote }) => {
    assert.deepEqual(await remote.fetch(crypto.randomUUID() as UserId), { status: "not_found" });
  },
  "a renamed user is found under the new name": async ({ users, remote }) => {
    const user = await register(users);
    const renamed = uniqueName("n");
    const updated = await users.updateUser(user.id, user.id, { username: renamed });
    assert.ok(updated.ok);
    assert.deepEqual(await remote.fetch(user.id as string as UserId), {
      status: "found",
      username: renamed,
    });
  },
  "a deleted user is not found": async ({ users, remote }) => {
    const user = await register(users);
    assert.ok((await users.deleteUser(user.id, user.id)).ok);
    assert.deepEqual(await remote.fetch(user.id as string as UserId), { status: "not_found" });
  },
});
