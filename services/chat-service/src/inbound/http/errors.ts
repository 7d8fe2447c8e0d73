/** The one mapping from chat-domain errors to HTTP responses. */
import { errorResponse, unavailableResponse } from "@chat-ts/shared/http";
import type { Context } from "hono";
import type { MessageError } from "../../domain/message/errors.ts";

export function chatErrorResponse(c: Context, error: MessageError) {
  switch (error.type) {
    case "validation":
    case "unsupported":
      return errorResponse(c, 422, "validation_failed", error.message);
    case "user_not_found":
      return errorResponse(c, 422, "user_not_found", error.message);
    case "name_taken":
      return errorResponse(c, 409, "name_taken", error.message);
    case "channel_not_found":
    case "member_not_found":
    case "message_not_found":
      return errorResponse(c, 404, "not_found", error.message);
    case "not_allowed":
    case "not_author":
      return errorResponse(c, 403, "forbidden", error.message);
    case "dependency_unavailable":
      return unavailableResponse(c, error.message);
    case "rate_limited":
      c.header("Retry-After", String(error.retryAfterSeconds));
      return errorResponse(c, 429, "rate_limited", error.message);
    default: {
      const unhandled: never = error;
      throw new Error(`unmapped chat error ${JSON.stringify(unhandled)}`);
    }
  }
}
