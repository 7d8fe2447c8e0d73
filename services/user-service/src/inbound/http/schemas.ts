/** Request and response shapes of the user API; they validate requests and generate /openapi.json. */
import { z } from "@hono/zod-openapi";
import type { Result } from "@chat-ts/shared/result";
import type { ValidationError } from "../../domain/user/errors.ts";
import type { Session } from "../../domain/user/service.ts";
import {
  EMAIL_MAX_LENGTH,
  EMAIL_PATTERN,
  EmailAddress,
  Password,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type User,
  USER_ID_RULE,
  UserId,
  Username,
  USERNAME_PATTERN,
  type UserSummary,
} from "../../domain/user/models.ts";

/**
 * A string the domain's smart constructor checks and brands: the rule and its message live in
 * the domain once; a failure is a zod issue on this field (422 or 400 naming it).
 */
function domainString<T>(parse: (raw: string) => Result<T, ValidationError>) {
  return z.string().transform((raw, ctx) => {
    const parsed = parse(raw);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: "custom", message: parsed.error.rule, input: raw });
    return z.NEVER;
  });
}

// The OpenAPI annotations describe what the smart constructors check.
const username = domainString(Username.parse).openapi({
  type: "string",
  pattern: USERNAME_PATTERN.source,
  example: "ada_l",
});
const emailAddress = domainString(EmailAddress.parse).openapi({
  type: "string",
  maxLength: EMAIL_MAX_LENGTH,
  pattern: EMAIL_PATTERN.source,
  example: "ada@example.com",
});
const password = domainString(Password.parse).openapi({
  type: "string",
  // Characters as JSON Schema counts them (code points), as Password.parse does.
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  example: "correct horse battery",
});

export const RegisterBody = z.object({ username, email_address: emailAddress, password })
  .openapi("RegisterUser");

export const LoginBody = z.object({
  username: z.string().min(1, "is required"),
  password: z.string().min(1, "is required"),
}).openapi("Login");

export const UpdateBody = z.object({
  username: username.optional(),
  email_address: emailAddress.optional(),
  password: password.optional(),
}).refine(
  (b) => b.username !== undefined || b.email_address !== undefined || b.password !== undefined,
  { message: "give at least one of username, email_address, password", path: ["body"] },
).openapi("UpdateUser", {
  // What the refinement checks, in the document: at least one of the three fields.
  anyOf: [
    { required: ["username"] },
    { required: ["email_address"] },
    { required: ["password"] },
  ],
});

/** HTTP takes RFC 9562 UUIDs only (z.uuid), then the domain lower-cases them into a UserId. */
export const UserIdParam = z.object({
  id: z.uuid(USER_ID_RULE).pipe(domainString(UserId.parse)).openapi({
    param: { name: "id", in: "path" },
  }),
});

/**
 * People search. `query` is checked by the domain's `UsernamePrefix.parse` in the handler, so a
 * short or odd query is a 422 naming `query` (a rule of the search, not a malformed parameter).
 */
export const SearchQuery = z.object({
  // Missing or short is the handler's 422 naming `query`; the document states the rule.
  query: z.string().max(100).default("").openapi({
    param: { name: "query", in: "query", required: true },
    pattern: "^[A-Za-z0-9_]{2,32}$",
    description: "The start of a username, ignoring case: 2–32 letters, digits or underscores",
    example: "ad",
  }),
  limit: z.coerce.number().int().min(1).max(20).default(10).openapi({
    param: { name: "limit", in: "query" },
  }),
});

/** A search result: id and username only, never the email address. */
export const UserSummaryJson = z.object({ id: z.uuid(), username: z.string() })
  .openapi("UserSummary");
export const UserSummariesEnvelope = z.object({ data: z.array(UserSummaryJson) });

export const toUserSummaryJson = (user: UserSummary) => ({ id: user.id, username: user.username });

export const UserJson = z.object({
  id: z.uuid(),
  username: z.string(),
  email: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("User");
export type UserJson = z.infer<typeof UserJson>;

export const UserEnvelope = z.object({ data: UserJson });
export const RefreshBody = z.object({
  refresh_token: z.string().min(1, "is required").max(256, "is too long"),
}).openapi("Refresh");

export const SessionEnvelope = z.object({
  data: z.object({
    /** The access token (JWT), for `Authorization: Bearer`. */
    token: z.string(),
    /** Opaque; exchanged once at `POST /api/auth/refresh` for a new pair. */
    refresh_token: z.string(),
    /** Seconds until `token` expires. */
    expires_in: z.number().int(),
    user: UserJson,
  }),
}).openapi("Session");

export function toSessionJson(session: Session) {
  return {
    token: session.token,
    refresh_token: session.refreshToken,
    expires_in: session.expiresIn,
    user: toUserJson(session.user),
  };
}

export function toUserJson(user: User): UserJson {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
