/** What channel commands refuse, each with a user-facing message. */
import type { ValidationError } from "../validation.ts";

export type ChannelError =
  | ValidationError
  | { readonly type: "name_taken"; readonly message: string }
  /** Missing, or not visible to the caller: the two are indistinguishable on purpose. */
  | { readonly type: "channel_not_found"; readonly message: string }
  | { readonly type: "user_not_found"; readonly field: string; readonly message: string }
  | { readonly type: "member_not_found"; readonly message: string }
  | { readonly type: "not_allowed"; readonly message: string }
  | { readonly type: "unsupported"; readonly field: string; readonly message: string }
  | { readonly type: "dependency_unavailable"; readonly message: string }
  /** A per-user limit: try again after `retryAfterSeconds`. */
  | { readonly type: "rate_limited"; readonly message: string; readonly retryAfterSeconds: number };

export const rateLimited = (what: string, retryAfterSeconds: number): ChannelError => ({
  type: "rate_limited",
  message: `Too many ${what}; try again in ${retryAfterSeconds} s`,
  retryAfterSeconds,
});

export const channelNotFound: ChannelError = {
  type: "channel_not_found",
  message: "Channel not found",
};
export const nameTaken: ChannelError = {
  type: "name_taken",
  message: "That channel name is already taken",
};
