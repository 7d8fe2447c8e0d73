/** `/api/channels/{id}/messages`: send, read history, edit, delete, react. */
import { BODY_ERRORS, jsonBody, jsonContent as json } from "@chat-ts/shared/http";
import type { z } from "@hono/zod-openapi";
import { err, type Result } from "@chat-ts/shared/result";
import type { MessageId, UserId } from "../../../domain/ids.ts";
import { type MessageError, messageNotFound } from "../../../domain/message/errors.ts";
import { Emoji } from "../../../domain/message/reactions.ts";
import type { MessageService } from "../../../domain/message/service.ts";
import type { ChatAuth } from "../env.ts";
import { answer } from "../errors.ts";
import { chatErrorsOf, chatResource } from "../resource.ts";
import { MessageEnvelope, MessageListEnvelope, NOT_VISIBLE } from "../responses.ts";
import {
  ChannelIdParam,
  EditMessageBody,
  HistoryQuery,
  MessageParams,
  ReactionParams,
  SendMessageBody,
  toMessageJson,
} from "../schemas.ts";

const sendMessageErrors = chatErrorsOf({
  ...BODY_ERRORS,
  404: NOT_VISIBLE,
  422: "content breaks its rule, or reply_to names no message of the channel",
  429: "Too many messages; Retry-After says when to try again",
});
const listMessagesErrors = chatErrorsOf({
  400: "limit, before or after breaks its rule, or both before and after are given",
  404: NOT_VISIBLE,
});
const editMessageErrors = chatErrorsOf({
  ...BODY_ERRORS,
  403: "Only the author can edit a message",
  404: "No such channel or message visible to the caller",
  422: "content breaks its rule",
});
const deleteMessageErrors = chatErrorsOf({
  400: "id or message_id is not a UUID",
  403: "Only the author can delete a message",
  404: "No such channel or message visible to the caller",
});
/** Adding and taking back a reaction fail alike. */
const reactionErrors = chatErrorsOf({
  400: "id or message_id is not a UUID",
  404: "No such channel or message visible to the caller",
  422: "emoji is not one emoji",
});

/**
 * A call on the message `message_id` names. Any UUID is a well-formed id; one that is not
 * time-based names no message, so it is a 404 as a missing one (`MessageParams`).
 */
async function ofMessage<T>(
  messageId: MessageId | null,
  call: (messageId: MessageId) => Promise<Result<T, MessageError>> | Result<T, MessageError>,
): Promise<Result<T, MessageError>> {
  return messageId === null ? err(messageNotFound) : await call(messageId);
}

export function messageRoutes(deps: { messages: MessageService; auth: ChatAuth }) {
  const { messages, auth } = deps;
  /** Adding or taking back a reaction: the same parameters, checked the same way. */
  const changeReaction = (
    change: "react" | "unreact",
    caller: UserId,
    { id, message_id, emoji }: z.output<typeof ReactionParams>,
  ) =>
    ofMessage(message_id, (messageId) => {
      const parsed = Emoji.parse(emoji);
      return parsed.ok ? messages[change](caller, id, messageId, parsed.value) : parsed;
    });
  const { app, route } = chatResource("Messages", auth);
  return app
    .openapi(
      route({
        method: "post",
        path: "/api/channels/{id}/messages",
        operationId: "sendMessage",
        summary: "Send a message",
        request: {
          params: ChannelIdParam,
          body: jsonBody(SendMessageBody, "The message"),
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
        return answer.data(c, result, sendMessageErrors, 201, toMessageJson);
      },
    )
    .openapi(
      route({
        method: "get",
        path: "/api/channels/{id}/messages",
        operationId: "listMessages",
        summary: "Read a channel's history, newest first",
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
        return answer.data(c, result, listMessagesErrors, 200, (page) => page.map(toMessageJson));
      },
    )
    .openapi(
      route({
        method: "patch",
        path: "/api/channels/{id}/messages/{message_id}",
        operationId: "editMessage",
        summary: "Edit your message",
        request: {
          params: MessageParams,
          body: jsonBody(EditMessageBody, "The new content"),
        },
        responses: { 200: json(MessageEnvelope, "Edited"), ...editMessageErrors },
      }),
      async (c) => {
        const { id, message_id } = c.req.valid("param");
        const { content } = c.req.valid("json");
        const edited = await ofMessage(
          message_id,
          (messageId) => messages.edit(c.var.caller.userId, id, messageId, content),
        );
        return answer.data(c, edited, editMessageErrors, 200, toMessageJson);
      },
    )
    .openapi(
      route({
        method: "delete",
        path: "/api/channels/{id}/messages/{message_id}",
        operationId: "deleteMessage",
        summary: "Delete your message",
        request: { params: MessageParams },
        responses: { 204: { description: "Deleted" }, ...deleteMessageErrors },
      }),
      async (c) => {
        const { id, message_id } = c.req.valid("param");
        const deleted = await ofMessage(
          message_id,
          (messageId) => messages.delete(c.var.caller.userId, id, messageId),
        );
        return answer.done(c, deleted, deleteMessageErrors);
      },
    )
    .openapi(
      route({
        method: "put",
        path: "/api/channels/{id}/messages/{message_id}/reactions/{emoji}",
        operationId: "addReaction",
        summary: "React to a message",
        request: { params: ReactionParams },
        responses: { 204: { description: "Reacted (also when already)" }, ...reactionErrors },
      }),
      async (c) => {
        const reacted = await changeReaction("react", c.var.caller.userId, c.req.valid("param"));
        return answer.done(c, reacted, reactionErrors);
      },
    )
    .openapi(
      route({
        method: "delete",
        path: "/api/channels/{id}/messages/{message_id}/reactions/{emoji}",
        operationId: "removeReaction",
        summary: "Take back your reaction",
        request: { params: ReactionParams },
        responses: {
          204: { description: "No reaction of the caller's left" },
          ...reactionErrors,
        },
      }),
      async (c) => {
        const taken = await changeReaction("unreact", c.var.caller.userId, c.req.valid("param"));
        return answer.done(c, taken, reactionErrors);
      },
    );
}
