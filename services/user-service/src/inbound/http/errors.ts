/** The one mapping from user-domain errors to HTTP responses, and its OpenAPI declaration. */
import { domainAnswers } from "@chat-ts/shared/http";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { UserError } from "../../domain/user/errors.ts";

/** What the bearer check of `caller.ts` answers, for the routes that need a token. */
export const CALLER_ERRORS = {
  401: "Missing, invalid or expired token, or its session has ended",
  404: "The caller's account no longer exists",
} as const;

/** `answer.error`, `answer.data`, `answer.done`: how a user route answers its service's results. */
export const answer = domainAnswers<UserError>(answerTo);

function answerTo(error: UserError): [ContentfulStatusCode, string] {
  switch (error.type) {
    case "validation":
      return [422, "validation_failed"];
    case "username_taken":
    case "email_taken":
      return [409, error.type];
    case "user_not_found":
      return [404, "not_found"];
    case "invalid_credentials":
      return [401, "invalid_credentials"];
    case "invalid_refresh_token":
      return [401, "invalid_refresh_token"];
    case "not_self":
      return [403, "forbidden"];
    default: {
      const unhandled: never = error;
      throw new Error(`unmapped user error ${JSON.stringify(unhandled)}`);
    }
  }
}
