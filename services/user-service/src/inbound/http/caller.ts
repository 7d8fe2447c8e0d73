/**
 * Who is calling, as the domain's `UserId`: bearer authentication, then the token's subject
 * through `UserId.parse`, once, so handlers and the domain never take a raw id from a token.
 */
import { type AuthVariables, bearerAuth, errorResponse } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { MiddlewareHandler } from "hono";
import { UserId } from "../../domain/user/models.ts";

export type CallerVariables = AuthVariables & { callerId: UserId };

/** The token codec already checked `sub` is a UUID; a subject the domain refuses is a bad token. */
const callerId: MiddlewareHandler<{ Variables: CallerVariables }> = async (c, next) => {
  const id = UserId.parse(c.var.caller.userId);
  if (!id.ok) {
    c.header("WWW-Authenticate", 'Bearer realm="chat-ts"');
    return errorResponse(c, 401, "invalid_token", "Token claims are invalid");
  }
  c.set("callerId", id.value);
  await next();
};

/** Route middleware for authenticated routes: `c.var.callerId` is then the caller's `UserId`. */
export function authenticated(
  tokens: TokenCodec,
): [MiddlewareHandler<{ Variables: AuthVariables }>, typeof callerId] {
  return [bearerAuth(tokens), callerId];
}
