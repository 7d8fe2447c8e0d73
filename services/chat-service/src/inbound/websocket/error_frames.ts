/** The one mapping from chat-domain errors to WebSocket error frames (codes as over HTTP). */
import type { MessageError } from "../../domain/message/errors.ts";
import { type ErrorFrame, frames } from "./frames.ts";

export function errorFrameFor(error: MessageError, ref: string | undefined): ErrorFrame {
  switch (error.type) {
    case "channel_not_found":
    case "message_not_found":
    case "member_not_found":
      return frames.error("not_found", error.message, ref);
    case "validation":
    case "user_not_found":
    case "unsupported":
      return frames.error("validation_failed", error.message, ref);
    case "name_taken":
      return frames.error("conflict", error.message, ref);
    case "not_allowed":
    case "not_author":
      return frames.error("forbidden", error.message, ref);
    case "dependency_unavailable":
      return frames.error("unavailable", error.message, ref);
    case "rate_limited":
      return frames.error("rate_limited", error.message, ref);
    default: {
      const unknown: never = error;
      return unknown;
    }
  }
}
