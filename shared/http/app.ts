/**
 * What every HTTP API of chat-ts shares: the error shape for 400/404/413/422
 * and unexpected failures, the body size limit, and request validation with
 * zod through @hono/zod-openapi (so `/openapi.json` comes from the same
 * schemas that validate requests).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { Logger } from "../logger.ts";
import { DependencyUnavailable } from "../unavailable.ts";
import { errorResponse, unavailableResponse } from "./errors.ts";

/** DESIGN §3: bodies over 256 KiB get 413. */
export const MAX_BODY_BYTES = 256 * 1024;

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

/**
 * Body limit, the request deadline, 404 and error handling; call before
 * registering routes. An outage (`DependencyUnavailable`, see
 * `@chat-ts/shared/unavailable`) or a request past its deadline answers 503
 * `unavailable` with `Retry-After`; any other error is a bug: 500 `internal`.
 */
export function installApiDefaults<E extends Env>(
  app: OpenAPIHono<E>,
  logger: Logger,
  options: { readonly deadlineMs?: number } = {},
): void {
  const deadlineMs = options.deadlineMs ?? REQUEST_DEADLINE_MS;
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
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        errorResponse(c, 413, "payload_too_large", `Request body exceeds ${MAX_BODY_BYTES} bytes`),
    }),
  );
  app.notFound((c) =>
    errorResponse(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}`)
  );
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
