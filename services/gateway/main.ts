/**
 * The gateway's composition root: config → the services behind it (over HTTP), the ended
 * sessions it learns from Kafka, the rate limits it shares through Redis → one HTTP origin.
 */
import { configOrExit } from "@chat-ts/shared/config";
import { serveUntilSignalled } from "@chat-ts/shared/http";
import { createTokenCodec, refusingRevoked } from "@chat-ts/shared/jwt";
import { createKafka } from "@chat-ts/shared/kafka";
import { redisLimits } from "@chat-ts/shared/limits";
import { createLogger } from "@chat-ts/shared/logger";
import { closeRedis, connectRedis, redisIsReady } from "@chat-ts/shared/redis";
import { Revocations } from "@chat-ts/shared/revocations";
import { exitOnUncaughtErrors } from "@chat-ts/shared/shutdown";
import { loadGatewayConfig } from "./src/config.ts";
import { createGatewayApp } from "./src/inbound/http/app.ts";
import { networkUpstream } from "./src/outbound/http/network_upstream.ts";
import { readSessionEnds } from "./src/outbound/kafka/session_end_reader.ts";
import { quotasIn } from "./src/outbound/limits/limit_store_counter.ts";

const config = configOrExit(loadGatewayConfig(), "gateway");
const logger = createLogger({ service: "gateway", level: config.LOG_LEVEL });
exitOnUncaughtErrors(logger);

const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: "gateway", logger });
const revocations = new Revocations({ tokenTtlMs: config.JWT_TTL_SECONDS * 1000 });
const sessions = await readSessionEnds(kafka, {
  group: `gateway-sessions-${config.INSTANCE_ID}`,
  since: new Date(Date.now() - config.JWT_TTL_SECONDS * 1000),
  learn: (end) => revocations.learn(end),
  logger: logger.child({ component: "sessions" }),
});
const pruner = setInterval(() => revocations.prune(), 60_000);

// Limits shared by every gateway instance; per instance while Redis is away (docs/limits.md).
const redis = await connectRedis({
  url: config.REDIS_URL,
  logger: logger.child({ component: "limits" }),
});
const quotas = quotasIn(redisLimits(redis, config.LIMITS_REDIS_PREFIX), config);

const onUpstreamError = (message: string, fields: Record<string, unknown>) =>
  logger.warn(message, fields);
const upstreams = {
  users: networkUpstream([config.USER_SERVICE_URL], onUpstreamError),
  chat: networkUpstream(config.CHAT_SERVICE_URLS, onUpstreamError),
  presence: networkUpstream([config.PRESENCE_SERVICE_URL], onUpstreamError),
};
const tokens = refusingRevoked(
  createTokenCodec({ secret: config.JWT_SECRET, ttlSeconds: config.JWT_TTL_SECONDS }),
  (claims) => revocations.refuses(claims),
);
const app = createGatewayApp({
  upstreams,
  tokens,
  quotas,
  logger,
  trustedProxies: config.GATEWAY_TRUSTED_PROXIES,
  corsOrigins: config.GATEWAY_CORS_ORIGINS,
  // The gateway is ready once it knows ended sessions; the limits degrade, they do not stop it.
  readiness: async () => {
    const limits = await redisIsReady(redis);
    return { ready: true, checks: { sessions: "reading", limits: limits ? "redis" : "memory" } };
  },
});

serveUntilSignalled(app, {
  name: "gateway",
  address: config,
  logger,
  listening: {
    users: config.USER_SERVICE_URL,
    chat: config.CHAT_SERVICE_URLS,
    presence: config.PRESENCE_SERVICE_URL,
  },
  beforeDrain: () => {
    for (const upstream of Object.values(upstreams)) upstream.closeAll();
  },
  afterDrain: async () => {
    clearInterval(pruner);
    await sessions.stop();
    await closeRedis(redis);
  },
});
