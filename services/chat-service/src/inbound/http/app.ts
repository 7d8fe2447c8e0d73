/**
 * chat-service's HTTP API and WebSocket endpoint (DESIGN §3, §4). `AppType`
 * carries every route's types to clients built with `hc<AppType>`.
 */
import { createRoute } from "@hono/zod-openapi";
import { asyncApiHandler } from "@chat-ts/shared/asyncapi";
import {
  type AuthVariables,
  bearerAuth,
  createApiApp,
  ErrorJson,
  errorResponse,
  installApiDefaults,
  jsonContent,
  liveHandler,
  type Readiness,
  readyHandler,
} from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { ChannelService } from "../../domain/channel/service.ts";
import type { MessageService } from "../../domain/message/service.ts";
import type { WebSocketGateway } from "../websocket/gateway.ts";
import { chatErrorResponse } from "./errors.ts";
import {
  AddMemberBody,
  ChannelIdParam,
  ChannelJson,
  CreateChannelBody,
  HistoryQuery,
  ListChannelsQuery,
  MemberParams,
  MessageJson,
  MessageParams,
  SendMessageBody,
  toChannelJson,
  toCursor,
  toMessageJson,
} from "./schemas.ts";
import { z } from "@hono/zod-openapi";

export interface ChatAppDeps {
  readonly channels: ChannelService;
  readonly messages: MessageService;
  readonly gateway: WebSocketGateway;
  readonly tokens: TokenCodec;
  readonly logger: Logger;
  readonly readiness: () => Promise<Readiness>;
}

const json = jsonContent;
/** Every route declares every error the one error mapping can produce. */
const errors = {
  400: json(ErrorJson, "Malformed JSON or parameter"),
  401: json(ErrorJson, "Missing or invalid token"),
  403: json(ErrorJson, "Not allowed"),
  404: json(ErrorJson, "Missing, or not visible to the caller"),
  409: json(ErrorJson, "Name taken"),
  422: json(ErrorJson, "A field breaks a rule; the message names it"),
  503: json(ErrorJson, "A dependency is unavailable"),
};
const ChannelEnvelope = z.object({ data: ChannelJson });
const MessageEnvelope = z.object({ data: MessageJson });

export function createChatApp(deps: ChatAppDeps) {
  const app = createApiApp<{ Variables: AuthVariables }>();
  installApiDefaults(app, deps.logger);
  const auth = bearerAuth(deps.tokens);

  const createChannel = createRoute({
    method: "post",
    path: "/api/channels",
    middleware: [auth] as const,
    request: { body: { required: true, ...json(CreateChannelBody, "The channel to create") } },
    responses: {
      201: json(ChannelEnvelope, "Created"),
      200: json(ChannelEnvelope, "The pair's existing direct channel"),
      ...errors,
    },
  });
  const listChannels = createRoute({
    method: "get",
    path: "/api/channels",
    middleware: [auth] as const,
    request: { query: ListChannelsQuery },
    responses: {
      200: json(z.object({ data: z.array(ChannelJson) }), "Channels by name"),
      ...errors,
    },
  });
  const getChannel = createRoute({
    method: "get",
    path: "/api/channels/{id}",
    middleware: [auth] as const,
    request: { params: ChannelIdParam },
    responses: { 200: json(ChannelEnvelope, "The channel"), ...errors },
  });
  const addMember = createRoute({
    method: "post",
    path: "/api/channels/{id}/members",
    middleware: [auth] as const,
    request: {
      params: ChannelIdParam,
      body: { required: true, ...json(AddMemberBody, "Who to add") },
    },
    responses: { 201: json(ChannelEnvelope, "Added"), ...errors },
  });
  const removeMember = createRoute({
    method: "delete",
    path: "/api/channels/{id}/members/{user_id}",
    middleware: [auth] as const,
    request: { params: MemberParams },
    responses: { 204: { description: "Removed" }, ...errors },
  });
  const sendMessage = createRoute({
    method: "post",
    path: "/api/channels/{id}/messages",
    middleware: [auth] as const,
    request: {
      params: ChannelIdParam,
      body: { required: true, ...json(SendMessageBody, "The message") },
    },
    responses: {
      201: json(MessageEnvelope, "Sent (or the original, for a retried client_id)"),
      ...errors,
    },
  });
  const history = createRoute({
    method: "get",
    path: "/api/channels/{id}/messages",
    middleware: [auth] as const,
    request: { params: ChannelIdParam, query: HistoryQuery },
    responses: { 200: json(z.object({ data: z.array(MessageJson) }), "Newest first"), ...errors },
  });
  const deleteMessage = createRoute({
    method: "delete",
    path: "/api/channels/{id}/messages/{message_id}",
    middleware: [auth] as const,
    request: { params: MessageParams },
    responses: { 204: { description: "Deleted" }, ...errors },
  });

  const routes = app
    .openapi(createChannel, async (c) => {
      const body = c.req.valid("json");
      const result = await deps.channels.create(
        c.var.caller.userId,
        body.channel_type === "direct"
          ? { type: "direct", participantId: body.participant_id }
          : { type: body.channel_type, name: body.name, description: body.description },
      );
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.json(
        { data: toChannelJson(result.value.channel) },
        result.value.created ? 201 : 200,
      );
    })
    .openapi(listChannels, async (c) => {
      const query = c.req.valid("query");
      const result = await deps.channels.list(c.var.caller.userId, {
        memberOnly: query.member === "me",
        limit: query.limit,
        after: query.after,
      });
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.json({ data: result.value.map(toChannelJson) }, 200);
    })
    .openapi(getChannel, async (c) => {
      const result = await deps.channels.accessible(c.var.caller.userId, c.req.valid("param").id);
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.json({ data: toChannelJson(result.value) }, 200);
    })
    .openapi(addMember, async (c) => {
      const result = await deps.channels.addMember(
        c.var.caller.userId,
        c.req.valid("param").id,
        c.req.valid("json").user_id,
      );
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.json({ data: toChannelJson(result.value) }, 201);
    })
    .openapi(removeMember, async (c) => {
      const { id, user_id } = c.req.valid("param");
      const result = await deps.channels.removeMember(c.var.caller.userId, id, user_id);
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.body(null, 204);
    })
    .openapi(sendMessage, async (c) => {
      const body = c.req.valid("json");
      const result = await deps.messages.send(c.var.caller.userId, c.req.valid("param").id, {
        content: body.content,
        clientId: body.client_id,
      });
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.json({ data: toMessageJson(result.value) }, 201);
    })
    .openapi(history, async (c) => {
      const query = c.req.valid("query");
      const result = await deps.messages.history(c.var.caller.userId, c.req.valid("param").id, {
        limit: query.limit,
        before: toCursor(query.before),
        after: toCursor(query.after),
      });
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.json({ data: result.value.map(toMessageJson) }, 200);
    })
    .openapi(deleteMessage, async (c) => {
      const { id, message_id } = c.req.valid("param");
      const result = await deps.messages.delete(c.var.caller.userId, id, message_id);
      if (!result.ok) return chatErrorResponse(c, result.error);
      return c.body(null, 204);
    })
    .get("/ws", async (c) => {
      // The token is checked before the upgrade: refusals are plain 401 responses.
      const token = c.req.query("token");
      if (token === undefined || token === "") {
        return errorResponse(c, 401, "missing_token", "Query parameter token is required");
      }
      const verified = await deps.tokens.verify(token);
      if (!verified.ok) return errorResponse(c, 401, "invalid_token", verified.error.message);
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        return errorResponse(c, 426, "upgrade_required", "This endpoint speaks WebSocket");
      }
      const { socket, response } = Deno.upgradeWebSocket(c.req.raw, {
        idleTimeout: deps.gateway.idleTimeoutSeconds,
      });
      deps.gateway.accept(socket, {
        userId: verified.value.userId,
        username: verified.value.username,
      });
      return response;
    })
    .get("/health/live", liveHandler)
    .get("/health/ready", readyHandler(deps.readiness));

  app.doc("/openapi.json", {
    openapi: "3.0.0",
    info: { title: "chat-ts chat-service", version: "0.1.0" },
  });
  app.get("/asyncapi.json", asyncApiHandler);
  return routes;
}

export type AppType = ReturnType<typeof createChatApp>;
