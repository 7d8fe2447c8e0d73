/**
 * Who is calling, as the domain's `UserId`: bearer authentication, then the token's subject
 * through `UserId.parse`, once, so handlers and the domain never take a raw id from a token.
 */
import { type AuthVariables, bearerAuth, errorResponse } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { MiddlewareHandler } from "hono";
import { SessionId, UserId } from "../../domain/user/models.ts";
import type { UserService } from "../../domain/user/service.ts";

export type CallerVariables = AuthVariables & { callerId: UserId; callerSession?: SessionId };

type CallerMiddleware = MiddlewareHandler<{ Variables: CallerVariables }>;

const refuse = (c: Parameters<CallerMiddleware>[0], message: string) => {
  c.header("WWW-Authenticate", 'Bearer realm="chat-ts"');
  return errorResponse(c, 401, "invalid_token", message);
};

/**
 * The token codec already checked `sub` is a UUID; a subject the domain refuses is a bad token.
 * A token of a session that has ended (logout, password change, deletion) is refused: this
 * service owns the sessions, so it asks its own database.
 */
function callerOf(users: UserService, logger: Logger): CallerMiddleware {
  return async (c, next) => {
    const id = UserId.parse(c.var.caller.userId);
    if (!id.ok) return refuse(c, "Token claims are invalid");
    c.set("callerId", id.value);
    const rawSession = c.var.caller.sessionId;
    if (rawSession !== undefined) {
      const session = SessionId.parse(rawSession);
      if (!session.ok) return refuse(c, "Token claims are invalid");
      const state = await users.sessionState(id.value, session.value);
      // A deleted account can do nothing here; it is told the account is gone (as before).
      if (state === "no_account") {
        return errorResponse(c, 404, "not_found", "Your account no longer exists");
      }
      if (state === "ended") {
        logger.info("token refused", { reason: "session_ended", user_id: id.value });
        return refuse(c, "Session has ended");
      }
      c.set("callerSession", session.value);
    }
    await next();
  };
}

/** Route middleware for authenticated routes: `c.var.callerId` is then the caller's `UserId`. */
export function authenticated(
  tokens: TokenCodec,
  users: UserService,
  logger: Logger,
): [MiddlewareHandler<{ Variables: AuthVariables }>, CallerMiddleware] {
  return [bearerAuth(tokens, (raw) => raw, { logger }), callerOf(users, logger)];
}
