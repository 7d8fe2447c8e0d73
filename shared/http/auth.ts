/**
 * Bearer-token authentication for Hono routes: a valid `Authorization: Bearer
 * <jwt>` puts the caller in `c.var.caller`; anything else is a 401 in the error
 * shape (DESIGN §3). A service passes its own user-id parser, so the caller is
 * branded once, here, in the service's own type.
 */
import type { MiddlewareHandler } from "hono";
import type { TokenCodec } from "../jwt.ts";
import type { Logger } from "../logger.ts";
import { err, ok, type Result } from "../result.ts";
import { errorResponse } from "./errors.ts";

export interface Caller<Id extends string = string> {
  readonly userId: Id;
  readonly username: string;
  /** The token's login session (`sid`), when it has one. */
  readonly sessionId?: string;
}

export type AuthVariables<Id extends string = string> = { caller: Caller<Id> };

/** A token's subject as the service's user id; undefined refuses the token. */
export type ParseUserId<Id extends string> = (raw: string) => Id | undefined;

const BEARER = /^Bearer ([A-Za-z0-9_\-.=]+)$/;

export interface AuthOptions {
  /** Refused tokens are logged at info (reason and user id when known; never the token). */
  readonly logger?: Logger;
}

export function bearerAuth(tokens: TokenCodec): MiddlewareHandler<{ Variables: AuthVariables }>;
export function bearerAuth<Id extends string>(
  tokens: TokenCodec,
  parseUserId: ParseUserId<Id>,
  options?: AuthOptions,
): MiddlewareHandler<{ Variables: AuthVariables<Id> }>;
export function bearerAuth(
  tokens: TokenCodec,
  parseUserId: ParseUserId<string> = (raw) => raw,
  options: AuthOptions = {},
): MiddlewareHandler<{ Variables: AuthVariables }> {
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
    const caller = await verifyCaller(tokens, match[1], parseUserId, options.logger);
    if (!caller.ok) return unauthorized(c, "invalid_token", caller.error);
    c.set("caller", caller.value);
    await next();
  };
}

/** The caller a token names, or why it is refused: the one check for headers and `/ws?token=`. */
export async function verifyCaller<Id extends string>(
  tokens: TokenCodec,
  token: string,
  parseUserId: ParseUserId<Id>,
  logger?: Logger,
): Promise<Result<Caller<Id>, string>> {
  const verified = await tokens.verify(token);
  if (!verified.ok) {
    const { reason, userId } = verified.error;
    logger?.info("token refused", { reason, ...(userId === undefined ? {} : { user_id: userId }) });
    return err(verified.error.message);
  }
  const userId = parseUserId(verified.value.userId);
  if (userId === undefined) return err("Token subject is not a user id");
  const { username, sessionId } = verified.value;
  return ok(sessionId === undefined ? { userId, username } : { userId, username, sessionId });
}

function unauthorized(
  c: Parameters<MiddlewareHandler>[0],
  code: string,
  message: string,
): Response {
  c.header("WWW-Authenticate", 'Bearer realm="chat-ts"');
  return errorResponse(c, 401, code, message);
}
