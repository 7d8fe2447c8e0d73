/** Builds user-service against the real test Postgres for integration tests. */
import { createTokenCodec, type TokenCodec } from "@chat-ts/shared/jwt";
import { silentLogger } from "@chat-ts/shared/logger";
import { hashPassword, verifyPassword } from "@chat-ts/shared/password";
import { connectPostgres, type Sql } from "@chat-ts/shared/postgres";
import type { PasswordHash } from "./src/domain/user/models.ts";
import { UserService } from "./src/domain/user/service.ts";
import { createUserApp } from "./src/inbound/http/app.ts";
import { PostgresUserStore } from "./src/outbound/postgres/user_store.ts";
import { testDatabaseUrl } from "../../tests/support/env.ts";

export const TEST_SECRET = Deno.env.get("JWT_SECRET") ??
  "test-secret-for-chat-ts-integration-tests";
export const TEST_DATABASE_URL = testDatabaseUrl("users");

export interface TestUserService {
  readonly sql: Sql;
  readonly users: UserService;
  readonly tokens: TokenCodec;
  readonly app: ReturnType<typeof createUserApp>;
  close(): Promise<void>;
}

export function createTestUserService(): TestUserService {
  const sql = connectPostgres({ url: TEST_DATABASE_URL, max: 10 });
  const tokens = createTokenCodec({ secret: TEST_SECRET });
  const users = new UserService({
    store: new PostgresUserStore(sql),
    hasher: { hash: async (p) => (await hashPassword(p)) as PasswordHash, verify: verifyPassword },
    tokens,
    clock: { now: () => new Date() },
    ids: { newId: () => crypto.randomUUID() },
  });
  const app = createUserApp({
    users,
    tokens,
    logger: silentLogger,
    readiness: () => Promise.resolve({ ready: true, checks: {} }),
  });
  return { sql, users, tokens, app, close: () => sql.end() };
}

/** A username no other test run will pick. */
export const uniqueName = (prefix = "u") =>
  `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
