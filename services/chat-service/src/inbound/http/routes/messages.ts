/** `/api/channels/{id}/messages`: send, read history, edit, delete, react. */
import { createRoute } from "@hono/zod-openapi";
import {
  BEARER,
  BODY_ERRORS,
  createApiApp,
  errorsOf,
  jsonContent as json,
  UNAVAILABLE,
} from "@chat-ts/shared/http";
import { messageNotFound } from "../../../domain/message/errors.ts";
import { Emoji } from "../../../domain/message/reactions.ts";
import type { MessageService } from "../../../domain/message/service.ts";
import type { ChatAuth, ChatEnv } from "../env.ts";
import { chatErrorResponse } from "../errors.ts";
import { MessageEnvelope, MessageListEnvelope, NOT_VISIBLE, UNAUTHORIZED } from "../responses.ts";
import {
  ChannelIdParam,
  EditMessageBody,
  HistoryQuery,
  MessageParams,
  ReactionParams,
  SendMessageBody,
  toMessageJson,
} from "../schemas.ts";

const sendMessageErrors = errorsOf({
  ...BODY_ERRORS,
  401: UNAUTHORIZED,
  404: NOT_VISIBLE,
  422: "content breaks its rule, or reply_to names no message of the channel",
  429: "Too many messages; Retry-After says when to try again",
  503: UNAVAILABLE,
});
const listMessagesErrors = errorsOf({
  400: "limit, before or after breaks its rule, or both before and after are given",
  401: UNAUTHORIZED,
  404: NOT_VISIBLE,
  503: UNAVAILABLE,
});
const editMessageErrors = errorsOf({
  ...BODY_ERRORS,
  401: UNAUTHORIZED,
  403: "Only the author can edit a message",
  404: "No such channel or message visible to the caller",
  422: "content breaks its rule",
  503: UNAVAILABLE,
});
const deleteMessageErrors = errorsOf({
  400: "id or message_id is not a UUID",
  401: UNAUTHORIZED,
  403: "Only the author can delete a message",
  404: "No such channel or message visible to the caller",
  503: UNAVAILABLE,
});
const addReactionErrors = errorsOf({
  400: "id or message_id is not a UUID",
  401: UNAUTHORIZED,
  404: "No such channel or message visible to the caller",
  422: "emoji is not one emoji",
  503: UNAVAILABLE,
});
const removeReactionErrors = errorsOf({
  400: "id or message_id is not a UUID",
  401: UNAUTHORIZED,
  404: "No such channel or message visible to the caller",
  422: "emoji is not one emoji",
  503: UNAVAILABLE,
});

export function messageRoutes(deps: { messages: MessageService; auth: ChatAuth }) {
  const { messages, auth } = deps;
  return createApiApp<ChatEnv>()
    .openapi(
      createRoute({
        method: "post",
        path: "/api/channels/{id}/messages",
        operationId: "sendMessage",
        summary: "Send a message",
        tags: ["Messages"],
        security: BEARER,
        middleware: [auth] as const,
        request: {
          params: ChannelIdParam,
          body: { required: true, ...json(SendMessageBody, "The message") },
        },
        responses: {
          201: json(MessageEnvelope, "Sent (or the original, for a retried client_id)"),
          ...sendMessageErrors,
        },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const result = await messages.send(c.var.caller.userId, c.req.valid("param").id, {
          content: body.content,
          clientId: body.client_id,
          replyTo: body.reply_to,
        });
        if (!result.ok) return chatErrorResponse(c, result.error, sendMessageErrors);
        return c.json({ data: toMessageJson(result.value) }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/api/channels/{id}/messages",
        operationId: "listMessages",
        summary: "Read a channel's history, newest first",
        tags: ["Messages"],
        security: BEARER,
        middleware: [auth] as const,
        request: { params: ChannelIdParam, query: HistoryQuery },
        responses: { 200: json(MessageListEnvelope, "Newest first"), ...listMessagesErrors },
      }),
      async (c) => {
        const query = c.req.valid("query");
        const result = await messages.history(c.var.caller.userId, c.req.valid("param").id, {
          limit: query.limit,
          before: query.before,
          after: query.after,
        });
        if (!result.ok) return chatErrorResponse(c, result.error, listMessagesErrors);
        return c.json({ data: result.value.map(toMessageJson) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/api/channels/{id}/messages/{message_id}",
        operationId: "editMessage",
        summary: "Edit your message",
        tags: ["Messages"],
        security: BEARER,
        middleware: [auth] as const,
        request: {
          params: MessageParams,
          body: { required: true, ...json(EditMessageBody, "The new content") },
        },
        responses: { 200: json(MessageEnvelope, "Edited"), ...editMessageErrors },
      }),
      async (c) => {
        const { id, message_id } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound, editMessageErrors);
        const result = await messages.edit(
          c.var.caller.userId,
          id,
          message_id,
          c.req.valid("json").content,
        );
        if (!result.ok) return chatErrorResponse(c, result.error, editMessageErrors);
        return c.json({ data: toMessageJson(result.value) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/api/channels/{id}/messages/{message_id}",
        operationId: "deleteMessage",
        summary: "Delete your message",
        tags: ["Messages"],
        security: BEARER,
        middleware: [auth] as const,
        request: { params: MessageParams },
        responses: { 204: { description: "Deleted" }, ...deleteMessageErrors },
      }),
      async (c) => {
        const { id, message_id } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound, deleteMessageErrors);
        const result = await messages.delete(c.var.caller.userId, id, message_id);
        if (!result.ok) return chatErrorResponse(c, result.error, deleteMessageErrors);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: "put",
        path: "/api/channels/{id}/messages/{message_id}/reactions/{emoji}",
        operationId: "addReaction",
        summary: "React to a message",
        tags: ["Messages"],
        security: BEARER,
        middleware: [auth] as const,
        request: { params: ReactionParams },
        responses: { 204: { description: "Reacted (also when already)" }, ...addReactionErrors },
      }),
      async (c) => {
        const { id, message_id, emoji } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound, addReactionErrors);
        const parsed = Emoji.parse(emoji);
        if (!parsed.ok) return chatErrorResponse(c, parsed.error, addReactionErrors);
        const result = await messages.react(c.var.caller.userId, id, message_id, parsed.value);
        if (!result.ok) return chatErrorResponse(c, result.error, addReactionErrors);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/api/channels/{id}/messages/{message_id}/reactions/{emoji}",
        operationId: "removeReaction",
        summary: "Take back your reaction",
        tags: ["Messages"],
        security: BEARER,
        middleware: [auth] as const,
        request: { params: ReactionParams },
        responses: {
          204: { description: "No reaction of the caller's left" },
          ...removeReactionErrors,
        },
      }),
      async (c) => {
        const { id, message_id, emoji } = c.req.valid("param");
        if (message_id === null) return chatErrorResponse(c, messageNotFound, removeReactionErrors);
        const parsed = Emoji.parse(emoji);
        if (!parsed.ok) return chatErrorResponse(c, parsed.error, removeReactionErrors);
        const result = await messages.unreact(c.var.caller.userId, id, message_id, parsed.value);
        if (!result.ok) return chatErrorResponse(c, result.error, removeReactionErrors);
        return c.body(null, 204);
      },
    );
}
