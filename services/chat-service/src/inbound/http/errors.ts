/** The one mapping from chat-domain errors to HTTP responses. */
import { domainAnswers } from "@chat-ts/shared/http";
import { RETRY_AFTER_SECONDS } from "@chat-ts/shared/unavailable";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { MessageError } from "../../domain/message/errors.ts";

/** `answer.error`, `answer.data`, `answer.done`: how a chat route answers its service's results. */
export const answer = domainAnswers<MessageError>(answerTo);

function answerTo(error: MessageError, c: Context): [ContentfulStatusCode, string] {
  switch (error.type) {
    case "validation":
    case "unsupported":
      return [422, "validation_failed"];
    case "user_not_found":
      return [422, "user_not_found"];
    case "name_taken":
      return [409, "name_taken"];
    case "channel_not_found":
    case "member_not_found":
    case "message_not_found":
      return [404, "not_found"];
    case "not_allowed":
    case "not_author":
      return [403, "forbidden"];
    case "dependency_unavailable":
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return [503, "unavailable"];
    case "rate_limited":
      c.header("Retry-After", String(error.retryAfterSeconds));
      return [429, "rate_limited"];
    default: {
      const unhandled: never = error;
      throw new Error(`unmapped chat error ${JSON.stringify(unhandled)}`);
    }
  }
}
