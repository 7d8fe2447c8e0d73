/** What channel commands refuse, each with a user-facing message. */
import { type Refusal, refusal } from "@chat-ts/shared/refusal";
import type { ValidationError } from "../validation.ts";

export type ChannelError =
  | ValidationError
  | Refusal<"name_taken">
  /** Missing, or not visible to the caller: the two are indistinguishable on purpose. */
  | Refusal<"channel_not_found">
  | { readonly type: "user_not_found"; readonly field: string; readonly message: string }
  | Refusal<"member_not_found">
  | Refusal<"not_allowed">
  | { readonly type: "unsupported"; readonly field: string; readonly message: string }
  | Refusal<"dependency_unavailable">
  /** A per-user limit: try again after `retryAfterSeconds`. */
  | { readonly type: "rate_limited"; readonly message: string; readonly retryAfterSeconds: number };

export const rateLimited = (what: string, retryAfterSeconds: number): ChannelError => ({
  type: "rate_limited",
  message: `Too many ${what}; try again in ${retryAfterSeconds} s`,
  retryAfterSeconds,
});

export const channelNotFound: ChannelError = refusal("channel_not_found", "Channel not found");
export const nameTaken: ChannelError = refusal("name_taken", "That channel name is already taken");
