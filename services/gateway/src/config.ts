/** The gateway's environment variables and their defaults (docs/gateway.md: Configuration). */
import { env, loadConfig } from "@chat-ts/shared/config";
import { trustedProxyList } from "@chat-ts/shared/http";
import { z } from "zod";

/** A comma-separated list that may be empty (`list` needs one entry). */
const optionalList = z.string().default("").transform((s) =>
  s.split(",").map((p) => p.trim()).filter(Boolean)
);

/** Limits per route class and scope (docs/limits.md: At the gateway). */
export const gatewayLimitShape = {
  GATEWAY_LIMIT_WINDOW_SECONDS: env.int(60, 1, 3600),
  GATEWAY_AUTH_PER_ADDRESS: env.int(30, 1, 1_000_000),
  GATEWAY_SEND_PER_ADDRESS: env.int(1200, 1, 1_000_000),
  GATEWAY_SEND_PER_USER: env.int(600, 1, 1_000_000),
  GATEWAY_CHANNEL_CREATE_PER_ADDRESS: env.int(60, 1, 1_000_000),
  GATEWAY_CHANNEL_CREATE_PER_USER: env.int(30, 1, 1_000_000),
  GATEWAY_OTHER_PER_ADDRESS: env.int(3000, 1, 1_000_000),
  GATEWAY_OTHER_PER_USER: env.int(1200, 1, 1_000_000),
};

/** Edge behaviour shared with the embedded mode. */
export const gatewayEdgeShape = {
  /** Peers whose `x-request-id` and `x-forwarded-for` are believed (addresses, CIDR ranges). */
  GATEWAY_TRUSTED_PROXIES: trustedProxyList(""),
  /** Origins allowed to call the API from another site; empty: CORS off. */
  GATEWAY_CORS_ORIGINS: optionalList,
  ...gatewayLimitShape,
};

export const gatewayConfigShape = {
  HTTP_HOST: env.string("0.0.0.0"),
  HTTP_PORT: env.port(8080),
  USER_SERVICE_URL: env.url("http://127.0.0.1:3001"),
  /** One or more chat-service instances; requests and sockets go round-robin. */
  CHAT_SERVICE_URLS: env.list("http://127.0.0.1:3002").pipe(
    z.array(z.url({ error: "must list http(s) URLs" })),
  ),
  PRESENCE_SERVICE_URL: env.url("http://127.0.0.1:3004"),
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  REDIS_URL: env.url("redis://127.0.0.1:6379"),
  /** Every gateway instance of one deployment counts under this prefix. */
  LIMITS_REDIS_PREFIX: env.string("limits"),
  JWT_SECRET: env.secret(32),
  /** user-service's access-token lifetime: how far back ended sessions are read. */
  JWT_TTL_SECONDS: env.int(900, 60, 30 * 86_400),
  /** Names this instance's `user-events` consumer group; a fresh one per process when unset. */
  INSTANCE_ID: env.string(crypto.randomUUID()),
  LOG_LEVEL: env.enumOf(["debug", "info", "warn", "error"] as const, "info"),
  ...gatewayEdgeShape,
};

export function loadGatewayConfig() {
  return loadConfig(gatewayConfigShape);
}

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;
export type GatewayLimitConfig = z.infer<z.ZodObject<typeof gatewayLimitShape>>;
export type GatewayEdgeConfig = z.infer<z.ZodObject<typeof gatewayEdgeShape>>;
