/**
 * chat-service's HTTP API and WebSocket endpoint (DESIGN §3, §4), one module
 * per resource under routes/, each route beside its handler. `AppType`
 * carries every route's types to clients built with `hc<AppType>`.
 */
import { asyncApiHandler } from "@chat-ts/shared/asyncapi";
import { bearerAuth, type Readiness, serviceApp } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { Registry } from "@chat-ts/shared/metrics";
import type { ChannelService } from "../../domain/channel/service.ts";
import { UserId } from "../../domain/ids.ts";
import type { MessageService } from "../../domain/message/service.ts";
import type { ReadService } from "../../domain/read/service.ts";
import type { WebSocketGateway } from "../websocket/gateway.ts";
import { channelRoutes } from "./routes/channels.ts";
import { memberRoutes } from "./routes/members.ts";
import { messageRoutes } from "./routes/messages.ts";
import { socketRoutes } from "./routes/socket.ts";

export interface ChatAppDeps {
  readonly channels: ChannelService;
  readonly messages: MessageService;
  readonly reads: ReadService;
  readonly gateway: WebSocketGateway;
  readonly tokens: TokenCodec;
  readonly logger: Logger;
  readonly readiness: () => Promise<Readiness>;
  readonly bodyTimeoutMs?: number;
  /** Served at `GET /metrics` with the request metrics; none: no `/metrics`. */
  readonly metrics?: Registry;
}

/** A token's subject, branded once for every route. */
const parseUserId = (raw: string) => {
  const id = UserId.parse(raw);
  return id.ok ? id.value : undefined;
};

export function createChatApp(deps: ChatAppDeps) {
  const auth = bearerAuth(deps.tokens, parseUserId, { logger: deps.logger });
  return serviceApp(deps, {
    title: "chat-ts chat-service",
    description: "Channels, members and messages. Live delivery is the WebSocket at " +
      "`/ws?token=` (the AsyncAPI document at `/asyncapi.json`, docs/websocket.md).",
    tags: [
      { name: "Channels", description: "Public, private and direct channels; read state" },
      { name: "Members", description: "Who belongs to a private channel" },
      { name: "Messages", description: "History, sending, editing, deleting, reactions" },
    ],
  }, (app) => {
    app.get("/asyncapi.json", asyncApiHandler);
    return app
      .route("/", channelRoutes({ channels: deps.channels, reads: deps.reads, auth }))
      .route("/", memberRoutes({ channels: deps.channels, auth }))
      .route("/", messageRoutes({ messages: deps.messages, auth }))
      .route(
        "/",
        socketRoutes({
          gateway: deps.gateway,
          tokens: deps.tokens,
          parseUserId,
          logger: deps.logger,
        }),
      );
  });
}

export type AppType = ReturnType<typeof createChatApp>;
