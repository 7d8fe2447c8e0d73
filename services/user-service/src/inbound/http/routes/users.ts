/** `/api/users`: register, and read, change or delete an account (DESIGN §3). */
import {
  BEARER,
  BODY_ERRORS,
  createApiApp,
  errorResponse,
  errorsOf,
  jsonBody,
  jsonContent as json,
  PUBLIC,
  resourceRoutes,
  UNAVAILABLE,
} from "@chat-ts/shared/http";
import type { KeyedLimit } from "@chat-ts/shared/limits";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import { UsernamePrefix } from "../../../domain/user/models.ts";
import type { UserService } from "../../../domain/user/service.ts";
import { authenticated, type CallerVariables } from "../caller.ts";
import { answer, CALLER_ERRORS } from "../errors.ts";
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

const searchUsersErrors = errorsOf({
  400: "query or limit is missing or breaks its rule (the message names it)",
  ...CALLER_ERRORS,
  422: "query is not a username prefix",
  429: "Too many searches; Retry-After says when to try again",
  503: UNAVAILABLE,
});
const registerErrors = errorsOf({
  ...BODY_ERRORS,
  409: "The username or the email address is taken",
  422: "A field is missing or breaks its rule; the message names it",
  503: UNAVAILABLE,
});
const getUserErrors = errorsOf({
  400: "id is not a UUID",
  401: CALLER_ERRORS[401],
  404: "No such user (or the caller's account no longer exists)",
  503: UNAVAILABLE,
});
const updateUserErrors = errorsOf({
  ...BODY_ERRORS,
  401: CALLER_ERRORS[401],
  403: "Not your account",
  404: "No such user (or the caller's account no longer exists)",
  409: "The username or the email address is taken",
  422: "A field breaks its rule; the message names it",
  503: UNAVAILABLE,
});
const deleteUserErrors = errorsOf({
  400: "id is not a UUID",
  401: CALLER_ERRORS[401],
  403: "Not your account",
  404: "No such user (or the caller's account no longer exists)",
  503: UNAVAILABLE,
});

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
  const route = resourceRoutes("Users", {
    security: BEARER,
    middleware: authenticated(deps.tokens, users, deps.logger),
  });
  const publicRoute = resourceRoutes("Users", { security: PUBLIC });
  return createApiApp<{ Variables: CallerVariables }>()
    .openapi(
      route({
        method: "get",
        path: "/api/users",
        operationId: "searchUsers",
        summary: "Find people by the start of their username",
        request: { query: SearchQuery },
        responses: {
          200: json(UserSummariesEnvelope, "Users whose username starts with `query`"),
          ...searchUsersErrors,
        },
      }),
      async (c) => {
        const { query, limit } = c.req.valid("query");
        const prefix = UsernamePrefix.parse(query);
        if (!prefix.ok) return answer.error(c, prefix.error, searchUsersErrors);
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
      publicRoute({
        method: "post",
        path: "/api/users",
        operationId: "register",
        summary: "Register an account",
        request: { body: jsonBody(RegisterBody, "New account") },
        responses: {
          201: json(UserEnvelope, "Registered"),
          ...registerErrors,
        },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const result = await users.register({
          username: body.username,
          emailAddress: body.email_address,
          password: body.password,
        });
        return answer.data(c, result, registerErrors, 201, toUserJson);
      },
    )
    .openapi(
      route({
        method: "get",
        path: "/api/users/{id}",
        operationId: "getUser",
        summary: "Read a user",
        request: { params: UserIdParam },
        responses: {
          200: json(UserEnvelope, "The user"),
          ...getUserErrors,
        },
      }),
      async (c) =>
        answer.data(
          c,
          await users.getUser(c.req.valid("param").id),
          getUserErrors,
          200,
          toUserJson,
        ),
    )
    .openapi(
      route({
        method: "patch",
        path: "/api/users/{id}",
        operationId: "updateUser",
        summary: "Change your username, email address or password",
        description: "A new password ends every other session of the account.",
        request: { params: UserIdParam, body: jsonBody(UpdateBody, "Changes") },
        responses: {
          200: json(UserEnvelope, "Updated"),
          ...updateUserErrors,
        },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const result = await users.updateUser(c.var.callerId, c.req.valid("param").id, {
          username: body.username,
          emailAddress: body.email_address,
          password: body.password,
        }, c.var.callerSession);
        if (!result.ok) return answer.error(c, result.error, updateUserErrors);
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
      route({
        method: "delete",
        path: "/api/users/{id}",
        operationId: "deleteUser",
        summary: "Delete your account",
        description: "Ends every session; chat-service erases the account's name from messages.",
        request: { params: UserIdParam },
        responses: {
          204: { description: "Deleted" },
          ...deleteUserErrors,
        },
      }),
      async (c) => {
        const result = await users.deleteUser(c.var.callerId, c.req.valid("param").id);
        if (!result.ok) return answer.error(c, result.error, deleteUserErrors);
        deps.logger.info("session ended", { user_id: c.var.callerId, reason: "account_deleted" });
        return c.body(null, 204);
      },
    );
}
