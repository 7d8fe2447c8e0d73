/** user-service built in process against the real test Postgres, for its integration tests. */
import { randomRefreshTokens } from "../../services/user-service/src/outbound/refresh_tokens.ts";
import { createTokenCodec, type TokenCodec } from "@chat-ts/shared/jwt";
import { silentLogger } from "@chat-ts/shared/logger";
import { hashPassword, verifyPassword } from "@chat-ts/shared/password";
import { connectPostgres, type Sql } from "@chat-ts/shared/postgres";
import type { PasswordHash } from "../../services/user-service/src/domain/user/models.ts";
import { UserService } from "../../services/user-service/src/domain/user/service.ts";
import {
  createUserApp,
  type UserAppDeps,
} from "../../services/user-service/src/inbound/http/app.ts";
import { PostgresUserStore } from "../../services/user-service/src/outbound/postgres/user_store.ts";
import { TEST_JWT_SECRET, testDatabaseUrl } from "./env.ts";

export interface TestUserService {
  readonly sql: Sql;
  readonly users: UserService;
  readonly tokens: TokenCodec;
  readonly app: ReturnType<typeof createUserApp>;
  /** The same service's HTTP API with limits of the test's own. */
  appWith(
    limits: Pick<UserAppDeps, "loginThrottle" | "searchLimit">,
  ): ReturnType<typeof createUserApp>;
  close(): Promise<void>;
}

export function createTestUserService(): TestUserService {
  const sql = connectPostgres({ url: testDatabaseUrl("users"), max: 10 });
  const tokens = createTokenCodec({ secret: TEST_JWT_SECRET });
  const users = new UserService({
    store: new PostgresUserStore(sql),
    hasher: { hash: async (p) => (await hashPassword(p)) as PasswordHash, verify: verifyPassword },
    tokens,
    refreshTokens: randomRefreshTokens,
    lifetimes: { accessSeconds: 900, refreshSeconds: 86_400 },
    clock: { now: () => new Date() },
    ids: { newId: () => crypto.randomUUID() },
  });
  const appWith = (limits: Pick<UserAppDeps, "loginThrottle" | "searchLimit">) =>
    createUserApp({
      users,
      tokens,
      logger: silentLogger,
      readiness: () => Promise.resolve({ ready: true, checks: {} }),
      ...limits,
    });
  return { sql, users, tokens, app: appWith({}), appWith, close: () => sql.end() };
}
