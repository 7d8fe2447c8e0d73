/**
 * The embedded mode's composition root: user-service and chat-service in one
 * process on one port, with in-process adapters behind the same ports —
 * PGlite for every Postgres repository and for message history, the
 * in-process bus for Kafka, a direct call for gRPC GetUser — and the browser
 * client at `/`. Data persists in DATA_DIR across restarts.
 */
import { configOrExit } from "@chat-ts/shared/config";
import {
  busEventSource,
  consume,
  InProcessEventBus,
  USER_EVENTS_TOPIC,
} from "@chat-ts/shared/events";
import { createTokenCodec, refusingRevoked } from "@chat-ts/shared/jwt";
import { memoryLimits } from "@chat-ts/shared/limits";
import { Revocations } from "@chat-ts/shared/revocations";
import { decodeSessionEnd } from "@chat-ts/gateway/session-ends";
import { createLogger } from "@chat-ts/shared/logger";
import { exitOnUncaughtErrors, stopOnSignals } from "@chat-ts/shared/shutdown";
import { migratePostgres, readMigrations } from "@chat-ts/shared/migrations";
import { openEmbeddedPostgres } from "@chat-ts/shared/pglite";
import { assembleChatService } from "@chat-ts/chat-service/assembly";
import { embeddedChatPorts } from "@chat-ts/chat-service/embedded";
import { embeddedPresenceService } from "@chat-ts/presence-service/embedded";
import { assembleUserService } from "@chat-ts/user-service/assembly";
import { InProcessUserEventPublisher, localGetUser } from "@chat-ts/user-service/embedded";
import { createEmbeddedApp } from "./app.ts";
import { loadEmbeddedConfig } from "./config.ts";
import { LocalUsers } from "./local_users.ts";
import { jwtSecret } from "./jwt_secret.ts";
import { lockDataDir } from "./data_lock.ts";

const startedAt = performance.now();
const config = configOrExit(loadEmbeddedConfig(), "chat-ts");
const logger = createLogger({ service: "chat-ts", level: config.LOG_LEVEL }).child({
  mode: "embedded",
});
exitOnUncaughtErrors(logger);
const dataDir = config.DATA_DIR;
// A busy port is found before anything is written: no data folder, no stack trace.
try {
  Deno.listen({ hostname: config.HTTP_HOST, port: config.HTTP_PORT }).close();
} catch (error) {
  if (!(error instanceof Deno.errors.AddrInUse)) throw error;
  logger.error("the port is in use; stop what listens there or set HTTP_PORT", {
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
  });
  Deno.exit(1);
}
await Deno.mkdir(dataDir, { recursive: true });
if (await lockDataDir(dataDir) === undefined) {
  logger.error("another chat-ts process is using this data folder; stop it or set DATA_DIR", {
    data_dir: dataDir,
  });
  Deno.exit(1);
}
const secret = config.JWT_SECRET ?? await jwtSecret(`${dataDir}/jwt-secret`);

// One database per service, as in the real deployment.
const [usersDb, chatDb] = await Promise.all([
  openEmbeddedPostgres({ dataDir: `${dataDir}/users`, logger }),
  openEmbeddedPostgres({ dataDir: `${dataDir}/chat`, logger }),
]);
const migrations = new URL("../migrations/", import.meta.url).pathname;
await migratePostgres(usersDb.sql, await readMigrations(`${migrations}user`, "sql"), logger);
await migratePostgres(chatDb.sql, await readMigrations(`${migrations}chat`, "sql"), logger);
await migratePostgres(
  chatDb.sql,
  await readMigrations(`${migrations}chat-embedded`, "sql"),
  logger,
  "schema_migrations_embedded",
);

const bus = new InProcessEventBus();
const userService = assembleUserService(
  { sql: usersDb.sql, publisher: new InProcessUserEventPublisher(bus) },
  {
    JWT_SECRET: secret,
    JWT_TTL_SECONDS: config.JWT_TTL_SECONDS,
    REFRESH_TOKEN_TTL_SECONDS: config.REFRESH_TOKEN_TTL_SECONDS,
    REQUEST_BODY_TIMEOUT_MS: config.REQUEST_BODY_TIMEOUT_MS,
  },
  logger.child({ component: "user-service" }),
);
const chatLogger = logger.child({ component: "chat-service" });
const chat = assembleChatService(
  embeddedChatPorts({
    sql: chatDb.sql,
    bus,
    remoteUsers: new LocalUsers(localGetUser(userService.users)),
    logger: chatLogger,
  }),
  // One instance, so its groups need no distinct names.
  { ...config, instanceId: "embedded", replicaGroup: "chat-service-user-replica", fetchWaitMs: 0 },
  chatLogger,
);
// Presence in process: live presence in Maps, last seen in process, reports on the bus.
const presence = embeddedPresenceService(
  bus,
  config,
  logger.child({ component: "presence-service" }),
);

// The gateway's ended sessions, from the bus like chat's (services keep checking their own).
const revocations = new Revocations({ tokenTtlMs: config.JWT_TTL_SECONDS * 1000 });
const gatewayLogger = logger.child({ component: "gateway" });
const sessionEnds = await busEventSource(bus).subscribe({
  group: "gateway-sessions",
  owner: "instance",
  topics: [USER_EVENTS_TOPIC],
  fromBeginning: false,
  handle: consume(decodeSessionEnd, (end) => revocations.learn(end), {
    logger: gatewayLogger,
    onFailure: "skip",
  }),
});
const pruner = setInterval(() => revocations.prune(), 60_000);

// Subscribe before anything publishes: the bus keeps no history.
await presence.start();
await chat.start();
userService.relay.start();

const app = createEmbeddedApp({
  users: userService.app,
  chat: chat.createApp({ tokens: createTokenCodec({ secret }) }),
  presence: presence.createApp({ tokens: createTokenCodec({ secret }) }),
  readiness: { users: userService.readiness, chat: chat.readiness },
  tokens: refusingRevoked(
    createTokenCodec({ secret, ttlSeconds: config.JWT_TTL_SECONDS }),
    (claims) => revocations.refuses(claims),
  ),
  limits: memoryLimits(),
  edge: config,
  logger,
});

const server = Deno.serve({
  hostname: config.HTTP_HOST,
  port: config.HTTP_PORT,
  onListen: ({ hostname, port }) => {
    const host = hostname === "0.0.0.0" || hostname === "127.0.0.1" ? "localhost" : hostname;
    logger.info("chat-ts embedded mode listening", {
      http: `${hostname}:${port}`,
      data_dir: dataDir,
      startup_ms: Math.round(performance.now() - startedAt),
    });
    console.log(`\nchat-ts is running at http://${host}:${port}/  (Ctrl-C to stop)\n`);
  },
}, app.fetch);

// A peer that never completes the close handshake must not keep the process alive.
stopOnSignals(logger, async () => {
  chat.gateway.closeAll();
  await server.shutdown();
  clearInterval(pruner);
  await sessionEnds.stop();
  logger.debug("server stopped");
  await userService.relay.stop();
  await chat.stop();
  await presence.stop();
  logger.debug("relay and event readers stopped");
  // Closing PGlite flushes both databases to DATA_DIR.
  await Promise.all([usersDb.close(), chatDb.close()]);
  logger.info("stopped");
}, { deadlineMs: 10_000 });
