/** `/api/users`: register, and read, change or delete an account (DESIGN §3). */
import { createRoute } from "@hono/zod-openapi";
import { createApiApp, errorResponse, jsonContent as json } from "@chat-ts/shared/http";
import type { KeyedLimit } from "@chat-ts/shared/limits";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import { UsernamePrefix } from "../../../domain/user/models.ts";
import type { UserService } from "../../../domain/user/service.ts";
import { authenticated, type CallerVariables } from "../caller.ts";
import { errorResponses, userErrorResponse } from "../errors.ts";
import {
  RegisterBody,
  SearchQuery,
  toUserJson,
  toUserSummaryJson,
  UpdateBody,
  UserEnvelope,
  UserIdParam,
  UserSummariesEnvelope,
} from "../schemas.ts";

export function userRoutes(
  deps: {
    readonly users: UserService;
    readonly tokens: TokenCodec;
    readonly logger: Logger;
    /** People searches per user (none: no limit). */
    readonly searchLimit?: KeyedLimit;
  },
) {
  const { users } = deps;
  const auth = authenticated(deps.tokens, users, deps.logger);
  return createApiApp<{ Variables: CallerVariables }>()
    .openapi(
      createRoute({
        method: "get",
        path: "/api/users",
        middleware: auth,
        request: { query: SearchQuery },
        responses: {
          200: json(UserSummariesEnvelope, "Users whose username starts with `query`"),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { query, limit } = c.req.valid("query");
        const prefix = UsernamePrefix.parse(query);
        if (!prefix.ok) return userErrorResponse(c, prefix.error);
        const allowance = await deps.searchLimit?.take(c.var.callerId);
        if (allowance !== undefined && !allowance.ok) {
          c.header("Retry-After", String(allowance.retryAfterSeconds));
          return errorResponse(
            c,
            429,
            "rate_limited",
            `Too many searches; try again in ${allowance.retryAfterSeconds} s`,
          );
        }
        const found = await users.searchUsers(prefix.value, limit);
        return c.json({ data: found.map(toUserSummaryJson) }, 200);
      },
    )
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
