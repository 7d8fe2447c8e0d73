/** `/api/channels/{id}/messages`: send, read history, edit, delete, react. */
import { createRoute } from "@hono/zod-openapi";
import { createApiApp, jsonContent as json } from "@chat-ts/shared/http";
import { messageNotFound } from "../../../domain/message/errors.ts";
import { Emoji } from "../../../domain/message/reactions.ts";
import type { MessageService } from "../../../domain/message/service.ts";
import type { ChatAuth, ChatEnv } from "../env.ts";
import { chatErrorResponse } from "../errors.ts";
import { errors, MessageEnvelope, MessageListEnvelope } from "../responses.ts";
import {
  ChannelIdParam,
  EditMessageBody,
  HistoryQuery,
  MessageParams,
  ReactionParams,
  SendMessageBody,
  toMessageJson,
} from "../schemas.ts";

export function messageRoutes(deps: { messages: MessageService; auth: ChatAuth }) {
  const { messages, auth } = deps;
  return createApiApp<ChatEnv>()
    .openapi(
      createRoute({
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
      }),
      async (c) => {
        const body = c.req.valid("json");
        const result = await messages.send(c.var.caller.userId, c.req.valid("param").id, {
          content: body.content,
          clientId: body.client_id,
          replyTo: body.reply_to,
        });
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.json({ data: toMessageJson(result.value) }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/api/channels/{id}/messages",
        middleware: [auth] as const,
        request: { params: ChannelIdParam, query: HistoryQuery },
        responses: { 200: json(MessageListEnvelope, "Newest first"), ...errors },
      }),
      async (c) => {
        const query = c.req.valid("query");
        const result = await messages.history(c.var.caller.userId, c.req.valid("param").id, {
          limit: query.limit,
          before: query.before,
          after: query.after,
        });
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.json({ data: result.value.map(toMessageJson) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/api/channels/{id}/messages/{message_id}",
        middleware: [auth] as const,
        request: {
          params: MessageParams,
          body: { required: true, ...json(EditMessageBody, "The new content") },
        },
        responses: { 200: json(MessageEnvelope, "Edited"), ...errors },
      }),
      async (c) => {
        const { id, message_id } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound);
        const result = await messages.edit(
          c.var.caller.userId,
          id,
          message_id,
          c.req.valid("json").content,
        );
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.json({ data: toMessageJson(result.value) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/api/channels/{id}/messages/{message_id}",
        middleware: [auth] as const,
        request: { params: MessageParams },
        responses: { 204: { description: "Deleted" }, ...errors },
      }),
      async (c) => {
        const { id, message_id } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound);
        const result = await messages.delete(c.var.caller.userId, id, message_id);
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: "put",
        path: "/api/channels/{id}/messages/{message_id}/reactions/{emoji}",
        middleware: [auth] as const,
        request: { params: ReactionParams },
        responses: { 204: { description: "Reacted (also when already)" }, ...errors },
      }),
      async (c) => {
        const { id, message_id, emoji } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound);
        const parsed = Emoji.parse(emoji);
        if (!parsed.ok) return chatErrorResponse(c, parsed.error);
        const result = await messages.react(c.var.caller.userId, id, message_id, parsed.value);
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/api/channels/{id}/messages/{message_id}/reactions/{emoji}",
        middleware: [auth] as const,
        request: { params: ReactionParams },
        responses: { 204: { description: "No reaction of the caller's left" }, ...errors },
      }),
      async (c) => {
        const { id, message_id, emoji } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound);
        const parsed = Emoji.parse(emoji);
        if (!parsed.ok) return chatErrorResponse(c, parsed.error);
        const result = await messages.unreact(c.var.caller.userId, id, message_id, parsed.value);
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.body(null, 204);
      },
    );
}
