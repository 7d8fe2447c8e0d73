/**
 * One origin for everything: user-service's and chat-service's own HTTP apps
 * (unchanged, routed by path prefix), the browser client's static files, and
 * health answers that cover both services.
 */
import { errorResponse, liveHandler, type Readiness, readyHandler } from "@chat-ts/shared/http";
import type { Logger } from "@chat-ts/shared/logger";
import { type Context, Hono } from "hono";
import { ASSET_CACHE_CONTROL, readClientAsset } from "@chat-ts/web/assets";

interface ServiceApp {
  /** `env` is Deno.serve's handler info (the client's address), passed on as is. */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

export interface EmbeddedAppDeps {
  readonly users: ServiceApp;
  readonly chat: ServiceApp;
  /** presence-service's app (`GET /api/presence`); absent: 404 there. */
  readonly presence?: ServiceApp;
  readonly readiness: {
    readonly users: () => Promise<Readiness>;
    readonly chat: () => Promise<Readiness>;
  };
  readonly logger: Logger;
}

export function createEmbeddedApp(deps: EmbeddedAppDeps) {
  // The original request goes through, so chat's WebSocket upgrade still works.
  const toUsers = (c: Context) => deps.users.fetch(c.req.raw, c.env);
  const toChat = (c: Context) => deps.chat.fetch(c.req.raw, c.env);
  const presence = deps.presence;
  const toPresence = (c: Context) =>
    presence === undefined
      ? errorResponse(c, 404, "not_found", "No such route")
      : presence.fetch(c.req.raw, c.env);
  const web = async (c: Context) => {
    const asset = await readClientAsset(c.req.path);
    switch (asset?.kind) {
      case undefined:
        return errorResponse(c, 404, "not_found", "No such route");
      case "file":
        return c.body(asset.body, 200, {
          "content-type": asset.type,
          "cache-control": ASSET_CACHE_CONTROL,
        });
      case "not_built":
        return errorResponse(c, 404, "not_found", `The web client is not built (${asset.file})`);
      default: {
        const unknown: never = asset;
        throw new Error(`unhandled asset ${JSON.stringify(unknown)}`);
      }
    }
  };

  return new Hono()
    .all("/api/users", toUsers)
    .all("/api/users/*", toUsers)
    .all("/api/auth/*", toUsers)
    .all("/api/channels", toChat)
    .all("/api/channels/*", toChat)
    .all("/ws", toChat)
    .all("/api/presence", toPresence)
    .get("/health/live", liveHandler)
    .get(
      "/health/ready",
      readyHandler(async () => {
        const [users, chat] = await Promise.all([deps.readiness.users(), deps.readiness.chat()]);
        return {
          ready: users.ready && chat.ready,
          checks: { "user-service": users.checks, "chat-service": chat.checks },
        };
      }),
    )
    // Each service's OpenAPI document, under a name (both serve /openapi.json on their own).
    .get("/openapi/user-service.json", (c) => deps.users.fetch(openApiRequest(c.req.url)))
    .get("/openapi/chat-service.json", (c) => deps.chat.fetch(openApiRequest(c.req.url)))
    .get(
      "/openapi/presence-service.json",
      (c) => presence === undefined ? toPresence(c) : presence.fetch(openApiRequest(c.req.url)),
    )
    .get(
      "/asyncapi.json",
      (c) => deps.chat.fetch(new Request(new URL("/asyncapi.json", c.req.url))),
    )
    // The browser client's files (web/assets.ts knows which).
    .get("*", web)
    .notFound((c) => errorResponse(c, 404, "not_found", "No such route"))
    .onError((error, c) => {
      deps.logger.error("request failed", { error, path: c.req.path });
      return errorResponse(c, 500, "internal", "Something went wrong on our side");
    });
}

function openApiRequest(url: string): Request {
  return new Request(new URL("/openapi.json", url));
}
