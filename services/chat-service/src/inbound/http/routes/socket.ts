/** `GET /ws?token=`: the WebSocket upgrade (DESIGN §4); refusals before it are plain 401s. */
import { createApiApp, errorResponse, type ParseUserId, verifyCaller } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { UserId } from "../../../domain/ids.ts";
import type { WebSocketGateway } from "../../websocket/gateway.ts";
import type { ChatEnv } from "../env.ts";

export function socketRoutes(
  deps: {
    gateway: WebSocketGateway;
    tokens: TokenCodec;
    parseUserId: ParseUserId<UserId>;
    logger: Logger;
  },
) {
  return createApiApp<ChatEnv>().get("/ws", async (c) => {
    const token = c.req.query("token");
    if (token === undefined || token === "") {
      return errorResponse(c, 401, "missing_token", "Query parameter token is required");
    }
    const caller = await verifyCaller(deps.tokens, token, deps.parseUserId, deps.logger);
    if (!caller.ok) return errorResponse(c, 401, "invalid_token", caller.error);
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return errorResponse(c, 426, "upgrade_required", "This endpoint speaks WebSocket");
    }
    if (!(await deps.gateway.acquireSlot(caller.value.userId))) {
      c.header("Retry-After", "5");
      return errorResponse(
        c,
        429,
        "too_many_connections",
        "You have as many open connections as allowed; close one first",
      );
    }
    let upgraded: ReturnType<typeof Deno.upgradeWebSocket>;
    try {
      upgraded = Deno.upgradeWebSocket(c.req.raw, { idleTimeout: deps.gateway.idleTimeoutSeconds });
    } catch (error) {
      await deps.gateway.releaseSlot(caller.value.userId);
      throw error;
    }
    deps.gateway.accept(upgraded.socket, caller.value);
    return upgraded.response;
  });
}
