/** Everything a user command can refuse, each with a user-facing message. */
import { refusal } from "@chat-ts/shared/refusal";
import type { ValidationError } from "@chat-ts/shared/validation";

export type { ValidationError };

export const usernameTaken = refusal("username_taken", "That username is already taken");
export const emailTaken = refusal("email_taken", "That email address is already registered");
export const userNotFound = refusal("user_not_found", "User not found");
/** One message for an unknown user and a wrong password, so neither is revealed. */
export const invalidCredentials = refusal(
  "invalid_credentials",
  "Username or password is incorrect",
);
export const notSelf = refusal("not_self", "You can only change or delete your own account");
/** One message for unknown, expired, ended and reused refresh tokens. */
export const invalidRefreshToken = refusal(
  "invalid_refresh_token",
  "Refresh token is invalid or its session has ended",
);

/** A refusal's kind is written once, in its value above; the union follows from them. */
export type UserError =
  | ValidationError
  | typeof usernameTaken
  | typeof emailTaken
  | typeof userNotFound
  | typeof invalidCredentials
  | typeof notSelf
  | typeof invalidRefreshToken;
