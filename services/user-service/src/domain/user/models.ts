/** The user aggregate: validated values and the user record. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import { isStorableText, UNSTORABLE_TEXT_RULE } from "@chat-ts/shared/text";
import { invalid, matching, type ValidationError } from "@chat-ts/shared/validation";

export type UserId = string & { readonly __brand: "UserId" };
export type Username = string & { readonly __brand: "Username" };
export type EmailAddress = string & { readonly __brand: "EmailAddress" };
/** A password as typed, only ever handed to the hasher. */
export type Password = string & { readonly __brand: "Password" };
/** A login session (the access token's `sid`). */
export type SessionId = string & { readonly __brand: "SessionId" };
/** An Argon2id PHC string. */
export type PasswordHash = string & { readonly __brand: "PasswordHash" };

export const USER_ID_RULE = "must be a UUID";
export const USERNAME_PATTERN = /^[A-Za-z0-9_]{3,32}$/;
export const USERNAME_RULE = "must be 3–32 characters: letters, digits or underscores";
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_RULE = "must be a valid email address";
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_RULE = `must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids and searches are compared as text, so they are kept lower-case. */
const lowerCase = (raw: string) => raw.toLowerCase();

export const UserId = { parse: matching<UserId>(UUID_PATTERN, "user_id", USER_ID_RULE, lowerCase) };
export const SessionId = {
  parse: matching<SessionId>(UUID_PATTERN, "session_id", "must be a UUID", lowerCase),
};
export const Username = { parse: matching<Username>(USERNAME_PATTERN, "username", USERNAME_RULE) };

/**
 * What people search matches: the start of a username, ignoring case (stored lower-cased).
 * At least 2 characters, so a search never lists everyone; only username characters.
 */
export type UsernamePrefix = string & { readonly __brand: "UsernamePrefix" };

export const USERNAME_PREFIX_PATTERN = /^[A-Za-z0-9_]{2,32}$/;
export const USERNAME_PREFIX_RULE =
  "must be 2–32 characters of a username (letters, digits or underscores)";

export const UsernamePrefix = {
  parse: matching<UsernamePrefix>(
    USERNAME_PREFIX_PATTERN,
    "query",
    USERNAME_PREFIX_RULE,
    lowerCase,
  ),
};

/** What anyone signed in may learn of another user: never the email address. */
export interface UserSummary {
  readonly id: UserId;
  readonly username: Username;
}

export const EmailAddress = {
  /** Stored lower-case, so uniqueness and lookups ignore case. */
  parse(raw: string): Result<EmailAddress, ValidationError> {
    if (!isStorableText(raw)) return err(invalid("email_address", UNSTORABLE_TEXT_RULE));
    const email = raw.trim().toLowerCase();
    return email.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(email)
      ? ok(email as EmailAddress)
      : err(invalid("email_address", EMAIL_RULE));
  },
};

export const Password = {
  parse(raw: string): Result<Password, ValidationError> {
    if (!isStorableText(raw)) return err(invalid("password", UNSTORABLE_TEXT_RULE));
    const length = [...raw].length;
    return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH
      ? ok(raw as Password)
      : err(invalid("password", PASSWORD_RULE));
  },
};

/** Any Argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), as the hasher produces. */
const PASSWORD_HASH_PATTERN =
  /^\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

export const PasswordHash = {
  parse: matching<PasswordHash>(
    PASSWORD_HASH_PATTERN,
    "password_hash",
    "must be an Argon2id PHC string",
  ),
};

export interface User {
  readonly id: UserId;
  readonly username: Username;
  readonly email: EmailAddress;
  readonly passwordHash: PasswordHash;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
