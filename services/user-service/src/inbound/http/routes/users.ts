/** `/api/users`: register, and read, change or delete an account (DESIGN §3). */
import { createRoute } from "@hono/zod-openapi";
import { createApiApp, jsonContent as json } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { UserService } from "../../../domain/user/service.ts";
import { authenticated, type CallerVariables } from "../caller.ts";
import { errorResponses, userErrorResponse } from "../errors.ts";
import { RegisterBody, toUserJson, UpdateBody, UserEnvelope, UserIdParam } from "../schemas.ts";

export function userRoutes(
  deps: { readonly users: UserService; readonly tokens: TokenCodec; readonly logger: Logger },
) {
  const { users } = deps;
  const auth = authenticated(deps.tokens, users, deps.logger);
  return createApiApp<{ Variables: CallerVariables }>()
    .openapi(
      createRoute({
        method: "post",
        path: "/api/users",
        request: { body: { required: true, ...json(RegisterBody, "New account") } },
        responses: { 201: json(UserEnvelope, "Registered"), ...errorResponses },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const result = await users.register({
          username: body.username,
          emailAddress: body.email_address,
          password: body.password,
        });
        if (!result.ok) return userErrorResponse(c, result.error);
        return c.json({ data: toUserJson(result.value) }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/api/users/{id}",
        middleware: auth,
        request: { params: UserIdParam },
        responses: { 200: json(UserEnvelope, "The user"), ...errorResponses },
      }),
      async (c) => {
        const result = await users.getUser(c.req.valid("param").id);
        if (!result.ok) return userErrorResponse(c, result.error);
        return c.json({ data: toUserJson(result.value) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/api/users/{id}",
        middleware: auth,
        request: { params: UserIdParam, body: { required: true, ...json(UpdateBody, "Changes") } },
        responses: { 200: json(UserEnvelope, "Updated"), ...errorResponses },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const result = await users.updateUser(c.var.callerId, c.req.valid("param").id, {
          username: body.username,
          emailAddress: body.email_address,
          password: body.password,
        }, c.var.callerSession);
        if (!result.ok) return userErrorResponse(c, result.error);
        if (body.password !== undefined) {
          deps.logger.info("session ended", {
            user_id: c.var.callerId,
            reason: "password_changed",
          });
        }
        return c.json({ data: toUserJson(result.value) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/api/users/{id}",
        middleware: auth,
        request: { params: UserIdParam },
        responses: { 204: { description: "Deleted" }, ...errorResponses },
      }),
      async (c) => {
        const result = await users.deleteUser(c.var.callerId, c.req.valid("param").id);
        if (!result.ok) return userErrorResponse(c, result.error);
        deps.logger.info("session ended", { user_id: c.var.callerId, reason: "account_deleted" });
        return c.body(null, 204);
      },
    );
}
