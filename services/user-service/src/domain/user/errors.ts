/** Everything a user command can refuse, each with a user-facing message. */
import { type Refusal, refusal } from "@chat-ts/shared/refusal";

export type ValidationError = {
  readonly type: "validation";
  readonly field: string;
  /** What the value must be, without the field's name (an HTTP adapter names its own field). */
  readonly rule: string;
  /** `field: rule`. */
  readonly message: string;
};

export type UserError =
  | ValidationError
  | Refusal<"username_taken">
  | Refusal<"email_taken">
  | Refusal<"user_not_found">
  | Refusal<"invalid_credentials">
  | Refusal<"not_self">
  | Refusal<"invalid_refresh_token">;

export const usernameTaken: UserError = refusal("username_taken", "That username is already taken");
export const emailTaken: UserError = refusal(
  "email_taken",
  "That email address is already registered",
);
export const userNotFound: UserError = refusal("user_not_found", "User not found");
/** One message for an unknown user and a wrong password, so neither is revealed. */
export const invalidCredentials: UserError = refusal(
  "invalid_credentials",
  "Username or password is incorrect",
);
export const notSelf: UserError = refusal(
  "not_self",
  "You can only change or delete your own account",
);
/** One message for unknown, expired, ended and reused refresh tokens. */
export const invalidRefreshToken: UserError = refusal(
  "invalid_refresh_token",
  "Refresh token is invalid or its session has ended",
);
