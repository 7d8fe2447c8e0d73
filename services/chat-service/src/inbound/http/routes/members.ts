/** `/api/channels/{id}/members`: who belongs to a private or direct channel. */
import { createRoute } from "@hono/zod-openapi";
import {
  BEARER,
  BODY_ERRORS,
  createApiApp,
  errorsOf,
  jsonContent as json,
  UNAVAILABLE,
} from "@chat-ts/shared/http";
import type { ChannelService } from "../../../domain/channel/service.ts";
import type { ChatAuth, ChatEnv } from "../env.ts";
import { chatErrorResponse } from "../errors.ts";
import { ChannelEnvelope, MemberListEnvelope, NOT_VISIBLE, UNAUTHORIZED } from "../responses.ts";
import {
  AddMemberBody,
  ChannelIdParam,
  MemberParams,
  MembersQuery,
  toChannelJson,
} from "../schemas.ts";

const listMembersErrors = errorsOf({
  400: "id, limit or after breaks its rule (the message names it)",
  401: UNAUTHORIZED,
  404: NOT_VISIBLE,
  422: "The channel is public: it has no member list",
  503: UNAVAILABLE,
});
const addMemberErrors = errorsOf({
  ...BODY_ERRORS,
  401: UNAUTHORIZED,
  404: NOT_VISIBLE,
  422: "The channel is not private, or user_id names no user",
  503: UNAVAILABLE,
});
const removeMemberErrors = errorsOf({
  400: "id or user_id is not a UUID",
  401: UNAUTHORIZED,
  403: "Only the channel's creator can remove other members",
  404: "No such channel visible to the caller, or the user is not a member",
  422: "The channel is not private",
  503: UNAVAILABLE,
});

export function memberRoutes(deps: { channels: ChannelService; auth: ChatAuth }) {
  const { channels, auth } = deps;
  return createApiApp<ChatEnv>()
    .openapi(
      createRoute({
        method: "get",
        path: "/api/channels/{id}/members",
        operationId: "listMembers",
        summary: "List a private or direct channel's members",
        tags: ["Members"],
        security: BEARER,
        middleware: [auth] as const,
        request: { params: ChannelIdParam, query: MembersQuery },
        responses: {
          200: json(MemberListEnvelope, "Members, in the order they joined"),
          ...listMembersErrors,
        },
      }),
      async (c) => {
        const { limit, after } = c.req.valid("query");
        const result = await channels.members(c.var.caller.userId, c.req.valid("param").id, {
          limit,
          ...(after === undefined ? {} : { after }),
        });
        if (!result.ok) return chatErrorResponse(c, result.error, listMembersErrors);
        return c.json({
          data: result.value.map((m) => ({ user_id: m.userId, username: m.username })),
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/api/channels/{id}/members",
        operationId: "addMember",
        summary: "Add someone to a private channel",
        tags: ["Members"],
        security: BEARER,
        middleware: [auth] as const,
        request: {
          params: ChannelIdParam,
          body: { required: true, ...json(AddMemberBody, "Who to add") },
        },
        responses: { 201: json(ChannelEnvelope, "Added"), ...addMemberErrors },
      }),
      async (c) => {
        const result = await channels.addMember(
          c.var.caller.userId,
          c.req.valid("param").id,
          c.req.valid("json").user_id,
        );
        if (!result.ok) return chatErrorResponse(c, result.error, addMemberErrors);
        return c.json({ data: toChannelJson(result.value) }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/api/channels/{id}/members/{user_id}",
        operationId: "removeMember",
        summary: "Leave a private channel, or remove a member",
        tags: ["Members"],
        security: BEARER,
        middleware: [auth] as const,
        request: { params: MemberParams },
        responses: { 204: { description: "Removed" }, ...removeMemberErrors },
      }),
      async (c) => {
        const { id, user_id } = c.req.valid("param");
        const result = await channels.removeMember(c.var.caller.userId, id, user_id);
        if (!result.ok) return chatErrorResponse(c, result.error, removeMemberErrors);
        return c.body(null, 204);
      },
    );
}
