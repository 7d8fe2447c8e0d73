/** Logging in: `POST /api/users/login` and its alias `POST /api/auth/login` (DESIGN §3). */
import { createRoute } from "@hono/zod-openapi";
import { createApiApp, jsonContent as json } from "@chat-ts/shared/http";
import type { Context } from "hono";
import type { UserService } from "../../../domain/user/service.ts";
import { errorResponses, userErrorResponse } from "../errors.ts";
import { LoginBody, SessionEnvelope, toUserJson } from "../schemas.ts";

/** Generic in the path so each route keeps its literal path type (hc<AppType> needs it). */
const loginRoute = <P extends string>(path: P) =>
  createRoute({
    method: "post",
    path,
    request: { body: { required: true, ...json(LoginBody, "Credentials") } },
    responses: { 200: json(SessionEnvelope, "Logged in"), ...errorResponses },
  });

export function authRoutes(deps: { readonly users: UserService }) {
  const login = async (
    c: Context,
    credentials: { readonly username: string; readonly password: string },
  ) => {
    const result = await deps.users.login(credentials.username, credentials.password);
    if (!result.ok) return userErrorResponse(c, result.error);
    return c.json(
      { data: { token: result.value.token, user: toUserJson(result.value.user) } },
      200,
    );
  };
  return createApiApp()
    .openapi(loginRoute("/api/users/login"), (c) => login(c, c.req.valid("json")))
    .openapi(loginRoute("/api/auth/login"), (c) => login(c, c.req.valid("json")));
}
