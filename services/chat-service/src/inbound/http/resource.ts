/**
 * What every chat route of the HTTP API shares: it needs the caller's token, checked by `auth`,
 * so it may answer 401; and it reads a store, so it may answer 503 in an outage.
 */
import {
  BEARER,
  createApiApp,
  errorsWith,
  resourceRoutes,
  UNAVAILABLE,
} from "@chat-ts/shared/http";
import type { ChatAuth, ChatEnv } from "./env.ts";
import { UNAUTHORIZED } from "./responses.ts";

/** The routes of one resource (`tag` in the document): the app and the route definition. */
export function chatResource(tag: string, auth: ChatAuth) {
  return {
    app: createApiApp<ChatEnv>(),
    route: resourceRoutes(tag, { security: BEARER, middleware: [auth] as const }),
  };
}

/** A chat route's error answers: its own, and the 401 and 503 every chat route gives. */
export const chatErrorsOf = errorsWith({ 401: UNAUTHORIZED, 503: UNAVAILABLE });
