/** Request and response shapes of the user API; they validate requests and generate /openapi.json. */
import { z } from "@hono/zod-openapi";
import {
  EMAIL_MAX_LENGTH,
  EMAIL_PATTERN,
  EMAIL_RULE,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RULE,
  type User,
  USERNAME_PATTERN,
  USERNAME_RULE,
} from "../../domain/user/models.ts";

const username = z.string().regex(USERNAME_PATTERN, USERNAME_RULE).openapi({ example: "ada_l" });
const emailAddress = z.string().trim().max(EMAIL_MAX_LENGTH, EMAIL_RULE).regex(
  EMAIL_PATTERN,
  EMAIL_RULE,
)
  .openapi({ example: "ada@example.com" });
const password = z.string().refine((p) => {
  const length = [...p].length;
  return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH;
}, PASSWORD_RULE).openapi({ example: "correct horse battery" });

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
).openapi("UpdateUser");

export const UserIdParam = z.object({
  id: z.uuid("must be a UUID").openapi({ param: { name: "id", in: "path" } }),
});

export const UserJson = z.object({
  id: z.uuid(),
  username: z.string(),
  email: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("User");
export type UserJson = z.infer<typeof UserJson>;

export const UserEnvelope = z.object({ data: UserJson });
export const SessionEnvelope = z.object({
  data: z.object({ token: z.string(), user: UserJson }),
}).openapi("Session");

export function toUserJson(user: User): UserJson {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
