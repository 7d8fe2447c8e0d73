/** `/api/channels/{id}/members`: who belongs to a private or direct channel. */
import { createRoute } from "@hono/zod-openapi";
import { createApiApp, jsonContent as json } from "@chat-ts/shared/http";
import type { ChannelService } from "../../../domain/channel/service.ts";
import type { ChatAuth, ChatEnv } from "../env.ts";
import { chatErrorResponse } from "../errors.ts";
import { ChannelEnvelope, errors, MemberListEnvelope } from "../responses.ts";
import {
  AddMemberBody,
  ChannelIdParam,
  MemberParams,
  MembersQuery,
  toChannelJson,
} from "../schemas.ts";

export function memberRoutes(deps: { channels: ChannelService; auth: ChatAuth }) {
  const { channels, auth } = deps;
  return createApiApp<ChatEnv>()
    .openapi(
      createRoute({
        method: "get",
        path: "/api/channels/{id}/members",
        middleware: [auth] as const,
        request: { params: ChannelIdParam, query: MembersQuery },
        responses: {
          200: json(MemberListEnvelope, "Members, in the order they joined"),
          ...errors,
        },
      }),
      async (c) => {
        const { limit, after } = c.req.valid("query");
        const result = await channels.members(c.var.caller.userId, c.req.valid("param").id, {
          limit,
          ...(after === undefined ? {} : { after }),
        });
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.json({
          data: result.value.map((m) => ({ user_id: m.userId, username: m.username })),
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/api/channels/{id}/members",
        middleware: [auth] as const,
        request: {
          params: ChannelIdParam,
          body: { required: true, ...json(AddMemberBody, "Who to add") },
        },
        responses: { 201: json(ChannelEnvelope, "Added"), ...errors },
      }),
      async (c) => {
        const result = await channels.addMember(
          c.var.caller.userId,
          c.req.valid("param").id,
          c.req.valid("json").user_id,
        );
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.json({ data: toChannelJson(result.value) }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/api/channels/{id}/members/{user_id}",
        middleware: [auth] as const,
        request: { params: MemberParams },
        responses: { 204: { description: "Removed" }, ...errors },
      }),
      async (c) => {
        const { id, user_id } = c.req.valid("param");
        const result = await channels.removeMember(c.var.caller.userId, id, user_id);
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.body(null, 204);
      },
    );
}
