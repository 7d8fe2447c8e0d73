/**
 * What every service's HTTP app is around its own routes: the shared defaults
 * (`installApiDefaults`), `GET /health/live` and `GET /health/ready`, and its
 * OpenAPI document at `/openapi.json` (`documentApi`).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "../logger.ts";
import { type ApiLimits, createApiApp, installApiDefaults } from "./app.ts";
import { liveHandler, type Readiness, readyHandler } from "./health.ts";
import { documentApi } from "./openapi.ts";

/** What the app takes from the service's dependencies: its limits, logger and readiness. */
export interface ServiceAppDeps extends ApiLimits {
  readonly logger: Logger;
  readonly readiness: () => Promise<Readiness>;
}

/** The service's OpenAPI document: its title, description and tags (one a resource). */
export interface ServiceDocument {
  readonly title: string;
  readonly description: string;
  readonly tags: readonly { readonly name: string; readonly description: string }[];
}

/**
 * The service's app, its routes mounted by `mount` (after the defaults, so they apply to every
 * route). What `mount` returns is what the caller gets: its routes' types, for `hc<AppType>`.
 */
export function serviceApp<R>(
  deps: ServiceAppDeps,
  document: ServiceDocument,
  mount: (app: OpenAPIHono) => R,
): R {
  const app = createApiApp();
  installApiDefaults(app, deps.logger, deps);
  const routes = mount(app);
  app.get("/health/live", liveHandler).get("/health/ready", readyHandler(deps.readiness));
  documentApi(app, document, document.tags);
  return routes;
}
