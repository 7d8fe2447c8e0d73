/** The embedded mode's environment variables and their defaults (README: Configuration). */
import { env, loadConfig } from "@chat-ts/shared/config";
import { chatCoreConfigShape } from "@chat-ts/chat-service/config";
import { presenceCoreConfigShape } from "@chat-ts/presence-service/embedded";
import { gatewayEdgeShape } from "@chat-ts/gateway/config";

export const embeddedConfigShape = {
  HTTP_HOST: env.string("127.0.0.1"),
  HTTP_PORT: env.port(8000),
  /** PGlite databases and the generated JWT secret live here; delete it to start afresh. */
  DATA_DIR: env.string("../data"),
  /** When unset, a secret is generated once and kept in DATA_DIR. */
  JWT_SECRET: env.secret(32).optional(),
  REFRESH_TOKEN_TTL_SECONDS: env.int(30 * 86_400, 300, 365 * 86_400),
  ...chatCoreConfigShape,
  ...presenceCoreConfigShape,
  ...gatewayEdgeShape,
};

export const loadEmbeddedConfig = () => loadConfig(embeddedConfigShape);
export type EmbeddedConfig = ReturnType<typeof loadEmbeddedConfig> extends
  { ok: true; value: infer C } | { ok: false } ? C : never;
