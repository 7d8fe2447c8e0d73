/** The one mapping from user-domain errors to HTTP responses, and its OpenAPI declaration. */
import { ErrorJson, errorResponse, jsonContent } from "@chat-ts/shared/http";
import type { Context } from "hono";
import type { UserError } from "../../domain/user/errors.ts";

/** Every route declares every error the mapping below can produce. */
export const errorResponses = {
  400: jsonContent(ErrorJson, "Malformed JSON or parameter"),
  401: jsonContent(ErrorJson, "Missing or invalid token, or wrong credentials"),
  403: jsonContent(ErrorJson, "Not your account"),
  404: jsonContent(ErrorJson, "No such user"),
  409: jsonContent(ErrorJson, "Username or email already taken"),
  422: jsonContent(ErrorJson, "A field breaks a rule; the message names it"),
  429: jsonContent(
    ErrorJson,
    "Too many failed logins or searches; Retry-After says when to try again",
  ),
};

export function userErrorResponse(c: Context, error: UserError) {
  switch (error.type) {
    case "validation":
      return errorResponse(c, 422, "validation_failed", error.message);
    case "username_taken":
    case "email_taken":
      return errorResponse(c, 409, error.type, error.message);
    case "user_not_found":
      return errorResponse(c, 404, "not_found", error.message);
    case "invalid_credentials":
      return errorResponse(c, 401, "invalid_credentials", error.message);
    case "invalid_refresh_token":
      return errorResponse(c, 401, "invalid_refresh_token", error.message);
    case "not_self":
      return errorResponse(c, 403, "forbidden", error.message);
    default: {
      const unhandled: never = error;
      throw new Error(`unmapped user error ${JSON.stringify(unhandled)}`);
    }
  }
}
