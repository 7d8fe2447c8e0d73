/** Answers the gateway makes itself, in the error shape of docs/http.md. */
import { errorBody } from "@chat-ts/shared/http";
import { RETRY_AFTER_SECONDS } from "@chat-ts/shared/unavailable";

/** An error answer where no Hono context is at hand (the proxy adapters). */
export function errorJson(status: number, code: string, message: string): Response {
  return Response.json(errorBody(code, message), { status });
}

/**
 * 503 `unavailable` with `Retry-After`, as every service answers an outage: the service behind a
 * route does not answer (docs/gateway.md).
 */
export function unavailableJson(message: string): Response {
  const response = errorJson(503, "unavailable", message);
  response.headers.set("Retry-After", String(RETRY_AFTER_SECONDS));
  return response;
}
