/** Building blocks of route definitions shared by the services' OpenAPI documents. */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Env } from "hono";

/** A JSON body of `schema`, for `request.body` and `responses` entries. */
export function jsonContent<T>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** The error shape of DESIGN §3, as an OpenAPI schema. */
export const ErrorJson = z.object({
  error: z.object({
    code: z.string().openapi({ description: "snake_case; branch on it (docs/http.md)" }),
    message: z.string().openapi({ description: "A sentence for a human; show it" }),
  }),
}).openapi("Error");

/** The statuses an API route of chat-ts can answer with the error shape. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 422 | 429 | 503;

type ErrorResponse = ReturnType<typeof jsonContent<typeof ErrorJson>>;

/**
 * The error answers one route can really give, each described as it means on that route:
 * `errorsOf({ 404: "No such channel", ... })`. Statuses any route may give whatever it does
 * (405, 414, 431, 500) are described once, in the document's description and docs/http.md.
 */
export function errorsOf<const D extends { readonly [K in ErrorStatus]?: string }>(
  described: D,
): { [K in keyof D]: ErrorResponse } {
  const entries = Object.entries(described).map(([status, description]) => [
    status,
    jsonContent(ErrorJson, String(description)),
  ]);
  // Keys are exactly those of `described`, each mapped to its response.
  return Object.fromEntries(entries) as { [K in keyof D]: ErrorResponse };
}

/** What the shared defaults answer on a route with a JSON body (`installApiDefaults`). */
export const BODY_ERRORS = {
  400: "Malformed JSON, or a parameter breaks its rule (the message names it)",
  408: "The body did not arrive within the body timeout",
  413: "The body exceeds 256 KiB",
} as const;

/** What an outage answers (`DependencyUnavailable`, the request deadline): docs/faults.md. */
export const UNAVAILABLE = "A dependency is unavailable or the request ran out of time; " +
  "Retry-After says when to try again";

export const BEARER_SCHEME = "bearerAuth";
/** `security` of a route that needs an access token. */
export const BEARER = [{ [BEARER_SCHEME]: [] }];
/** `security` of a route anyone may call (said, so no reader wonders). */
export const PUBLIC: [] = [];

/** Every service's document: the title, the bearer scheme, one relative server and the tags. */
export function documentApi<E extends Env>(
  app: OpenAPIHono<E>,
  service: { readonly title: string; readonly description: string },
  tags: readonly { readonly name: string; readonly description: string }[],
): void {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An access token from `POST /api/auth/login` (docs/http.md, Authentication)",
  });
  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: service.title,
      version: API_VERSION,
      description: `${service.description}\n\n${COMMON_ANSWERS}`,
    },
    servers: [API_SERVER],
    tags: tags.map((t) => ({ ...t })),
  });
}

export const API_VERSION = "0.1.0";

/** Relative: the origin that served the document (the gateway, a service, the embedded mode). */
export const API_SERVER = { url: "/", description: "The origin serving this document" };

export const COMMON_ANSWERS = 'Every error has the shape `{"error": {"code", "message"}}`. ' +
  "Besides the answers each operation lists, any route may answer 405 (method not allowed, " +
  "with `Allow`), 414 (URL over 8 KiB), 431 (headers over 16 KiB or 64 fields) and 500 " +
  "(a bug on our side).";
