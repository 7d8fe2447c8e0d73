/** Everything a user command can refuse, each with a user-facing message. */
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
  | { readonly type: "username_taken"; readonly message: string }
  | { readonly type: "email_taken"; readonly message: string }
  | { readonly type: "user_not_found"; readonly message: string }
  | { readonly type: "invalid_credentials"; readonly message: string }
  | { readonly type: "not_self"; readonly message: string }
  | { readonly type: "invalid_refresh_token"; readonly message: string };

export const usernameTaken: UserError = {
  type: "username_taken",
  message: "That username is already taken",
};
export const emailTaken: UserError = {
  type: "email_taken",
  message: "That email address is already registered",
};
export const userNotFound: UserError = { type: "user_not_found", message: "User not found" };
/** One message for an unknown user and a wrong password, so neither is revealed. */
export const invalidCredentials: UserError = {
  type: "invalid_credentials",
  message: "Username or password is incorrect",
};
export const notSelf: UserError = {
  type: "not_self",
  message: "You can only change or delete your own account",
};
/** One message for unknown, expired, ended and reused refresh tokens. */
export const invalidRefreshToken: UserError = {
  type: "invalid_refresh_token",
  message: "Refresh token is invalid or its session has ended",
};
