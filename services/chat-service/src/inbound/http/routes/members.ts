/** `/api/channels/{id}/members`: who belongs to a private or direct channel. */
import { BODY_ERRORS, jsonBody, jsonContent as json } from "@chat-ts/shared/http";
import type { ChannelService } from "../../../domain/channel/service.ts";
import type { ChatAuth } from "../env.ts";
import { answer } from "../errors.ts";
import { chatErrorsOf, chatResource } from "../resource.ts";
import { ChannelEnvelope, MemberListEnvelope, NOT_VISIBLE } from "../responses.ts";
import {
  AddMemberBody,
  ChannelIdParam,
  MemberParams,
  MembersQuery,
  toChannelJson,
} from "../schemas.ts";

const listMembersErrors = chatErrorsOf({
  400: "id, limit or after breaks its rule (the message names it)",
  404: NOT_VISIBLE,
  422: "The channel is public: it has no member list",
});
const addMemberErrors = chatErrorsOf({
  ...BODY_ERRORS,
  404: NOT_VISIBLE,
  422: "The channel is not private, or user_id names no user",
});
const removeMemberErrors = chatErrorsOf({
  400: "id or user_id is not a UUID",
  403: "Only the channel's creator can remove other members",
  404: "No such channel visible to the caller, or the user is not a member",
  422: "The channel is not private",
});

export function memberRoutes(deps: { channels: ChannelService; auth: ChatAuth }) {
  const { channels, auth } = deps;
  const { app, route } = chatResource("Members", auth);
  return app
    .openapi(
      route({
        method: "get",
        path: "/api/channels/{id}/members",
        operationId: "listMembers",
        summary: "List a private or direct channel's members",
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
        return answer.data(
          c,
          result,
          listMembersErrors,
          200,
          (members) => members.map((m) => ({ user_id: m.userId, username: m.username })),
        );
      },
    )
    .openapi(
      route({
        method: "post",
        path: "/api/channels/{id}/members",
        operationId: "addMember",
        summary: "Add someone to a private channel",
        request: {
          params: ChannelIdParam,
          body: jsonBody(AddMemberBody, "Who to add"),
        },
        responses: { 201: json(ChannelEnvelope, "Added"), ...addMemberErrors },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const added = await channels.addMember(
          c.var.caller.userId,
          id,
          c.req.valid("json").user_id,
        );
        return answer.data(c, added, addMemberErrors, 201, toChannelJson);
      },
    )
    .openapi(
      route({
        method: "delete",
        path: "/api/channels/{id}/members/{user_id}",
        operationId: "removeMember",
        summary: "Leave a private channel, or remove a member",
        request: { params: MemberParams },
        responses: { 204: { description: "Removed" }, ...removeMemberErrors },
      }),
      async (c) => {
        const { id, user_id } = c.req.valid("param");
        const removed = await channels.removeMember(c.var.caller.userId, id, user_id);
        return answer.done(c, removed, removeMemberErrors);
      },
    );
}
