/**
 * Bearer-token authentication for Hono routes: a valid `Authorization: Bearer
 * <jwt>` puts the caller in `c.var.caller`; anything else is a 401 in the error
 * shape (DESIGN §3).
 */
import type { MiddlewareHandler } from "hono";
import type { TokenCodec } from "../jwt.ts";
import { errorResponse } from "./errors.ts";

export interface Caller {
  readonly userId: string;
  readonly username: string;
}

export type AuthVariables = { caller: Caller };

const BEARER = /^Bearer ([A-Za-z0-9_\-.=]+)$/;

export function bearerAuth(tokens: TokenCodec): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header("Authorization");
    if (header === undefined) {
      return unauthorized(
        c,
        "missing_token",
        "Authorization header with a Bearer token is required",
      );
    }
    const match = BEARER.exec(header.trim());
    if (match === null) {
      return unauthorized(c, "invalid_token", "Authorization must use the Bearer scheme");
    }
    const verified = await tokens.verify(match[1]);
    if (!verified.ok) return unauthorized(c, "invalid_token", verified.error.message);
    c.set("caller", { userId: verified.value.userId, username: verified.value.username });
    await next();
  };
}

function unauthorized(
  c: Parameters<MiddlewareHandler>[0],
  code: string,
  message: string,
): Response {
  c.header("WWW-Authenticate", 'Bearer realm="chat-ts"');
  return errorResponse(c, 401, code, message);
}
