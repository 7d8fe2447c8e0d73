/** Answers the gateway makes itself, in the error shape of docs/http.md. */
import { errorBody } from "@chat-ts/shared/http";

/** An error answer where no Hono context is at hand (the proxy adapters). */
export function errorJson(status: number, code: string, message: string): Response {
  return Response.json(errorBody(code, message), { status });
}
