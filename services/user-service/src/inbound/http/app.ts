/**
 * user-service's HTTP API (DESIGN §3). `AppType` carries every route's types
 * to clients built with `hc<AppType>`.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  createApiApp,
  ErrorJson,
  installApiDefaults,
  jsonContent,
  liveHandler,
  type Readiness,
  readyHandler,
} from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { UserService } from "../../domain/user/service.ts";
import { authenticated, type CallerVariables } from "./caller.ts";
import { userErrorResponse } from "./errors.ts";
import {
  LoginBody,
  RegisterBody,
  SessionEnvelope,
  toUserJson,
  UpdateBody,
  UserEnvelope,
  UserIdParam,
} from "./schemas.ts";

export interface UserAppDeps {
  readonly users: UserService;
  readonly tokens: TokenCodec;
  readonly logger: Logger;
  readonly readiness: () => Promise<Readiness>;
}

const json = jsonContent;
/** Every route declares every error the one error mapping can produce. */
const errors = {
  400: json(ErrorJson, "Malformed JSON or parameter"),
  401: json(ErrorJson, "Missing or invalid token, or wrong credentials"),
  403: json(ErrorJson, "Not your account"),
  404: json(ErrorJson, "No such user"),
  409: json(ErrorJson, "Username or email already taken"),
  422: json(ErrorJson, "A field breaks a rule; the message names it"),
};

export function createUserApp(deps: UserAppDeps) {
  const app = createApiApp<{ Variables: CallerVariables }>();
  installApiDefaults(app, deps.logger);
  const auth = authenticated(deps.tokens);

  const register = createRoute({
    method: "post",
    path: "/api/users",
    request: { body: { required: true, ...json(RegisterBody, "New account") } },
    responses: { 201: json(UserEnvelope, "Registered"), ...errors },
  });
  // Generic in the path so each route keeps its literal path type (hc<AppType> needs it).
  const loginRoute = <P extends string>(path: P) =>
    createRoute({
      method: "post",
      path,
      request: { body: { required: true, ...json(LoginBody, "Credentials") } },
      responses: { 200: json(SessionEnvelope, "Logged in"), ...errors },
    });
  const getUser = createRoute({
    method: "get",
    path: "/api/users/{id}",
    middleware: auth,
    request: { params: UserIdParam },
    responses: { 200: json(UserEnvelope, "The user"), ...errors },
  });
  const updateUser = createRoute({
    method: "patch",
    path: "/api/users/{id}",
    middleware: auth,
    request: { params: UserIdParam, body: { required: true, ...json(UpdateBody, "Changes") } },
    responses: { 200: json(UserEnvelope, "Updated"), ...errors },
  });
  const deleteUser = createRoute({
    method: "delete",
    path: "/api/users/{id}",
    middleware: auth,
    request: { params: UserIdParam },
    responses: { 204: { description: "Deleted" }, ...errors },
  });

  const login = async (body: { username: string; password: string }) =>
    await deps.users.login(body.username, body.password);

  const routes = app
    .openapi(register, async (c) => {
      const body = c.req.valid("json");
      const result = await deps.users.register({
        username: body.username,
        emailAddress: body.email_address,
        password: body.password,
      });
      if (!result.ok) return userErrorResponse(c, result.error);
      return c.json({ data: toUserJson(result.value) }, 201);
    })
    .openapi(loginRoute("/api/users/login"), async (c) => {
      const result = await login(c.req.valid("json"));
      if (!result.ok) return userErrorResponse(c, result.error);
      return c.json(
        { data: { token: result.value.token, user: toUserJson(result.value.user) } },
        200,
      );
    })
    .openapi(loginRoute("/api/auth/login"), async (c) => {
      const result = await login(c.req.valid("json"));
      if (!result.ok) return userErrorResponse(c, result.error);
      return c.json(
        { data: { token: result.value.token, user: toUserJson(result.value.user) } },
        200,
      );
    })
    .openapi(getUser, async (c) => {
      const result = await deps.users.getUser(c.req.valid("param").id);
      if (!result.ok) return userErrorResponse(c, result.error);
      return c.json({ data: toUserJson(result.value) }, 200);
    })
    .openapi(updateUser, async (c) => {
      const body = c.req.valid("json");
      const result = await deps.users.updateUser(c.var.callerId, c.req.valid("param").id, {
        username: body.username,
        emailAddress: body.email_address,
        password: body.password,
      });
      if (!result.ok) return userErrorResponse(c, result.error);
      return c.json({ data: toUserJson(result.value) }, 200);
    })
    .openapi(deleteUser, async (c) => {
      const result = await deps.users.deleteUser(c.var.callerId, c.req.valid("param").id);
      if (!result.ok) return userErrorResponse(c, result.error);
      return c.body(null, 204);
    })
    .get("/health/live", liveHandler)
    .get("/health/ready", readyHandler(deps.readiness));

  app.doc("/openapi.json", {
    openapi: "3.0.0",
    info: { title: "chat-ts user-service", version: "0.1.0" },
  });
  return routes;
}

export type AppType = ReturnType<typeof createUserApp>;
