/**
 * What every HTTP API of chat-ts shares: the error shape for 400/404/413/422
 * and unexpected failures, the body size limit, and request validation with
 * zod through @hono/zod-openapi (so `/openapi.json` comes from the same
 * schemas that validate requests).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { Logger } from "../logger.ts";
import {
  currentRequestId,
  isRequestId,
  REQUEST_ID_HEADER,
  withRequestId,
} from "../request_context.ts";
import { isStorableText, UNSTORABLE_TEXT_RULE, unstorableTextAt } from "../text.ts";
import { DependencyUnavailable } from "../unavailable.ts";
import type { Registry } from "../metrics.ts";
import { metricsHandler } from "../metrics.ts";
import { errorResponse, unavailableResponse } from "./errors.ts";
import { httpMetrics } from "./metrics.ts";

/** DESIGN §3: bodies over 256 KiB get 413. */
export const MAX_BODY_BYTES = 256 * 1024;
/**
 * Request-line and header limits, answered in the error shape. They sit below the Deno server's
 * own (about 64 KiB of request head, 100 headers), which it answers itself with an empty 400
 * before any application code runs; between the two, the client gets a JSON answer.
 */
export const MAX_URL_BYTES = 8 * 1024;
export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_HEADER_COUNT = 64;
/** Access tokens are a few hundred bytes; a longer one is refused before any verification. */
export const MAX_TOKEN_CHARS = 4096;

export function requestHeadProblem(
  request: Request,
): { status: 400 | 414 | 431; code: string; message: string } | undefined {
  const url = new URL(request.url);
  if (url.pathname.length + url.search.length > MAX_URL_BYTES) {
    return { status: 414, code: "uri_too_long", message: `URL exceeds ${MAX_URL_BYTES} bytes` };
  }
  let bytes = 0;
  let count = 0;
  for (const [name, value] of request.headers) {
    bytes += name.length + value.length + 4;
    count++;
  }
  if (bytes > MAX_HEADER_BYTES || count > MAX_HEADER_COUNT) {
    return {
      status: 431,
      code: "headers_too_large",
      message: `Request headers exceed ${MAX_HEADER_BYTES} bytes or ${MAX_HEADER_COUNT} fields`,
    };
  }
  const bearer = request.headers.get("authorization") ?? "";
  const token = url.searchParams.get("token") ?? "";
  if (bearer.length > MAX_TOKEN_CHARS + 7 || token.length > MAX_TOKEN_CHARS) {
    return {
      status: 400,
      code: "token_too_long",
      message: `Token exceeds ${MAX_TOKEN_CHARS} characters`,
    };
  }
  return undefined;
}

/** Longest a request is worked on before it is answered 503 `unavailable` (docs/faults.md). */
export const REQUEST_DEADLINE_MS = 5000;

/** `field: message` for the first issue, so a 422 names the offending field. */
export function describeValidationError(error: ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "Request is invalid";
  const field = issue.path.map(String).join(".");
  return field === "" ? issue.message : `${field}: ${issue.message}`;
}

/**
 * A Hono app whose validation failures answer in the error shape: path and
 * query parameters with 400, JSON bodies with 422.
 */
export function createApiApp<E extends Env>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const message = describeValidationError(result.error);
      if (result.target === "json") return errorResponse(c, 422, "validation_failed", message);
      return errorResponse(c, 400, "invalid_parameter", message);
    },
  });
}

const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Longest a request body may take to arrive once its headers have (408 after). */
export const DEFAULT_BODY_TIMEOUT_MS = 10_000;

export interface ApiLimits {
  /** Longest a request is worked on before it is answered 503 `unavailable`. */
  readonly deadlineMs?: number;
  /** Longest its body may take to arrive (408 after). */
  readonly bodyTimeoutMs?: number;
  /** Where request counts and latencies go, served at `GET /metrics`; none: neither. */
  readonly metrics?: Registry;
}

/**
 * Body limit, the request deadline, 404 and error handling; call before
 * registering routes. An outage (`DependencyUnavailable`, see
 * `@chat-ts/shared/unavailable`) or a request past its deadline answers 503
 * `unavailable` with `Retry-After`; any other error is a bug: 500 `internal`.
 *
 * Deno.serve has no deadline for a request's headers: a client that sends half a request line
 * keeps its connection until it gives up, and no application code runs for it. What the
 * application can bound is the body: one that has not fully arrived within `bodyTimeoutMs`
 * is answered 408 in the error shape (the client's delay, so not a 503).
 */
export function installApiDefaults<E extends Env>(
  app: OpenAPIHono<E>,
  logger: Logger,
  limits: ApiLimits = {},
): void {
  const bodyTimeoutMs = limits.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const deadlineMs = limits.deadlineMs ?? REQUEST_DEADLINE_MS;
  // Built at the first request, when every route is registered: not one RegExp per route and
  // request (that was ~1 % of chat-service's CPU at 200 msg/s).
  let fixedPaths: ReadonlyMap<string, readonly string[]> | undefined;
  // The request id first, so every line about the request (the metrics' too) carries it.
  app.use("*", requestIdentity());
  if (limits.metrics !== undefined) {
    app.use("*", httpMetrics(limits.metrics));
    app.get("/metrics", metricsHandler(limits.metrics));
  }
  app.use("*", knownMethodsOnly());
  app.use("*", async (c, next) => {
    const problem = requestHeadProblem(c.req.raw);
    if (problem !== undefined) {
      return errorResponse(c, problem.status, problem.code, problem.message);
    }
    // A fixed path (`/api/users/login`) is its own resource even where a pattern would match it
    // too (`PATCH /api/users/:id`): another method there is a 405, before any route's auth.
    fixedPaths ??= methodsOfFixedPaths(app.routes);
    const fixed = fixedPaths.get(withoutTrailingSlash(c.req.path)) ?? [];
    if (fixed.length > 0 && !fixed.includes(c.req.method)) {
      return methodNotAllowed(c, fixed);
    }
    await next();
  });
  app.use("*", async (c, next) => {
    const body = c.req.raw.body;
    if (body === null) return await next();
    const read = await readWithin(body, bodyTimeoutMs, MAX_BODY_BYTES);
    if (read === "late") {
      c.header("Connection", "close");
      return errorResponse(
        c,
        408,
        "request_timeout",
        `Request body did not arrive within ${bodyTimeoutMs} ms`,
      );
    }
    // Read once, with a deadline; the routes read this copy (the size limit below still holds).
    // Built from the parts, not from the request: copying it would create its abort signal,
    // which Deno.serve then aborts (a DOMException) at the end of every request.
    const raw = c.req.raw;
    c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, body: read });
    await next();
  });
  app.use("*", async (c, next) => {
    // The work goes on in the background (a driver call cannot be cancelled); the client is
    // answered at the deadline instead of waiting for a driver's own timeouts.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<true>((resolve) =>
      timer = setTimeout(() => resolve(true), deadlineMs)
    );
    const timedOut = await Promise.race([next().then(() => false), late]).finally(() =>
      clearTimeout(timer)
    );
    if (!timedOut) return;
    logger.warn("request deadline passed", { method: c.req.method, path: c.req.path });
    return unavailableResponse(c, `The request did not complete within ${deadlineMs} ms`);
  });
  app.use("*", bodySizeLimit());
  // Every string field, including those no smart constructor checks (login, query parameters):
  // text a store would refuse or alter never gets further (DESIGN §9).
  app.use("*", async (c, next) => {
    for (const [name, values] of Object.entries(c.req.queries())) {
      if (!isStorableText(name) || values.some((v) => !isStorableText(v))) {
        const field = isStorableText(name) ? name : JSON.stringify(name);
        return errorResponse(c, 400, "invalid_parameter", `${field}: ${UNSTORABLE_TEXT_RULE}`);
      }
    }
    if (c.req.method !== "GET" && /json/i.test(c.req.header("content-type") ?? "")) {
      // Parsed once: Hono keeps the body for the route's validator (a malformed one is its 400).
      const body: unknown = await c.req.json().catch(() => undefined);
      const field = unstorableTextAt(body);
      if (field !== undefined) {
        return errorResponse(
          c,
          422,
          "validation_failed",
          `${field === "" ? "body" : field}: ${UNSTORABLE_TEXT_RULE}`,
        );
      }
    }
    await next();
  });
  app.notFound((c) => {
    // A path some route answers, asked with a method none does: 405 naming the methods it has.
    const allowed = allowedMethods(app.routes, c.req.path);
    if (allowed.length > 0) return methodNotAllowed(c, allowed);
    return errorResponse(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      if (error.status === 400) {
        return errorResponse(c, 400, "malformed_json", "Request body is not valid JSON");
      }
      if (error.status === 401) return errorResponse(c, 401, "unauthorized", error.message);
      return errorResponse(c, error.status, "http_error", error.message || "Request failed");
    }
    if (error instanceof DependencyUnavailable) {
      logger.warn("dependency unavailable", {
        dependency: error.dependency,
        method: c.req.method,
        path: c.req.path,
      });
      return unavailableResponse(c, `${error.dependency} is unavailable; try again shortly`);
    }
    logger.error("unhandled error", { error, method: c.req.method, path: c.req.path });
    return errorResponse(c, 500, "internal", "Something went wrong on our side");
  });
}

/** No route answers other methods (TRACE, CONNECT, …): a 405, not a missing route. */
export function knownMethodsOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (!KNOWN_METHODS.has(c.req.method)) {
      c.header("Allow", "GET, HEAD, POST, PATCH, DELETE");
      return errorResponse(c, 405, "method_not_allowed", `Method ${c.req.method} is not allowed`);
    }
    await next();
  };
}

/** Bodies over `MAX_BODY_BYTES` answer 413 `payload_too_large` (the gateway's limit too). */
export function bodySizeLimit(): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      errorResponse(c, 413, "payload_too_large", `Request body exceeds ${MAX_BODY_BYTES} bytes`),
  });
}

/**
 * The request's id (docs/gateway.md: Request id): the gateway's `x-request-id`, or a new one
 * when the request did not come through it (in the embedded mode the gateway runs in this
 * process: its id is already current). Everything the request does runs with it, so each log
 * line of the request carries it (shared/request_context.ts); the answer names it too.
 */
export function requestIdentity(): MiddlewareHandler {
  return async (c, next) => {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = currentRequestId() ?? (isRequestId(incoming) ? incoming : crypto.randomUUID());
    await withRequestId(id, next);
    try {
      c.res.headers.set(REQUEST_ID_HEADER, id);
    } catch {
      // An upgrade's answer has immutable headers; the id is in the log all the same.
    }
  };
}

function methodNotAllowed(c: Context, allowed: readonly string[]): Response {
  c.header("Allow", allowed.join(", "));
  return errorResponse(
    c,
    405,
    "method_not_allowed",
    `Method ${c.req.method} is not allowed on ${c.req.path}`,
  );
}

/** The methods of each path without parameters or wildcards (HEAD with GET). */
function methodsOfFixedPaths(
  routes: readonly { readonly method: string; readonly path: string }[],
): Map<string, string[]> {
  const fixed = routes.filter((r) => !r.path.includes(":") && !r.path.includes("*"));
  const byPath = new Map<string, string[]>();
  for (const route of fixed) {
    const path = withoutTrailingSlash(route.path);
    if (!byPath.has(path)) byPath.set(path, allowedMethods(fixed, path));
  }
  return byPath;
}

const withoutTrailingSlash = (path: string) =>
  path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;

/** The methods of the routes whose path matches (`:name` is one segment); HEAD with GET. */
export function allowedMethods(
  routes: readonly { readonly method: string; readonly path: string }[],
  path: string,
): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    const pattern = route.path.split("/").map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    ).join("/");
    if (new RegExp(`^${pattern}/?$`).test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods];
}

/**
 * A body read to its end, or "late" when it has not ended within `ms`. Reading stops past
 * `maxBytes` (what was read is returned, so the size limit answers 413).
 */
async function readWithin(
  body: ReadableStream<Uint8Array>,
  ms: number,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | "late"> {
  const reader = body.getReader();
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    reader.cancel().catch(() => undefined);
  }, ms);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A broken stream: what arrived is what the routes see (a truncated JSON body is a 400).
  } finally {
    clearTimeout(timer);
  }
  if (late) return "late";
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}
