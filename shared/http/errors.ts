/** The error shape of DESIGN §3: `{"error": {"code", "message"}}`, always JSON. */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { RETRY_AFTER_SECONDS } from "../unavailable.ts";

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Typed as the route's error response, so handlers of typed routes can return it. */
export function errorResponse<S extends ContentfulStatusCode>(
  c: Context,
  status: S,
  code: string,
  message: string,
) {
  return c.json(errorBody(code, message), status);
}

/** 503 `unavailable` with `Retry-After`: a dependency is down or the request ran out of time. */
export function unavailableResponse(c: Context, message: string) {
  c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  return errorResponse(c, 503, "unavailable", message);
}

/**
 * An error answer typed as one of the statuses the route documents (`declared`, its `errorsOf`
 * entries), for the one mapping of a service's domain errors, whose union is wider than what
 * any one route can give. A status the route does not document is still answered as is (the
 * client gets the truth); schemathesis' status check reports the gap in the document.
 */
export function declaredErrorResponse<S extends ContentfulStatusCode>(
  c: Context,
  _declared: { readonly [K in S]: unknown },
  status: ContentfulStatusCode,
  code: string,
  message: string,
) {
  return c.json(errorBody(code, message), status as S);
}
