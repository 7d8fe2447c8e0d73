/** The Hono environment of chat's authenticated routes: the caller, branded once by `bearerAuth`. */
import type { AuthVariables } from "@chat-ts/shared/http";
import type { MiddlewareHandler } from "hono";
import type { UserId } from "../../domain/ids.ts";

export type ChatEnv = { Variables: AuthVariables<UserId> };
export type ChatAuth = MiddlewareHandler<ChatEnv>;
