/** `/api/channels`: create, list and read channels. */
import { createRoute } from "@hono/zod-openapi";
import { createApiApp, jsonContent as json } from "@chat-ts/shared/http";
import type { ChannelService } from "../../../domain/channel/service.ts";
import type { ReadService } from "../../../domain/read/service.ts";
import type { ChatAuth, ChatEnv } from "../env.ts";
import { chatErrorResponse } from "../errors.ts";
import { ChannelEnvelope, ChannelListEnvelope, errors, ReadStateEnvelope } from "../responses.ts";
import {
  ChannelIdParam,
  CreateChannelBody,
  ListChannelsQuery,
  MarkReadBody,
  toChannelJson,
  withReadState,
} from "../schemas.ts";

export function channelRoutes(
  deps: { channels: ChannelService; reads: ReadService; auth: ChatAuth },
) {
  const { channels, reads, auth } = deps;
  return createApiApp<ChatEnv>()
    .openapi(
      createRoute({
        method: "post",
        path: "/api/channels",
        middleware: [auth] as const,
        request: { body: { required: true, ...json(CreateChannelBody, "The channel to create") } },
        responses: {
          201: json(ChannelEnvelope, "Created"),
          200: json(ChannelEnvelope, "The pair's existing direct channel"),
          ...errors,
        },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const result = await channels.create(
          c.var.caller.userId,
          body.channel_type === "direct"
            ? { type: "direct", participantId: body.participant_id }
            : { type: body.channel_type, name: body.name, description: body.description ?? null },
        );
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.json(
          { data: toChannelJson(result.value.channel) },
          result.value.created ? 201 : 200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/api/channels",
        middleware: [auth] as const,
        request: { query: ListChannelsQuery },
        responses: { 200: json(ChannelListEnvelope, "Channels by name"), ...errors },
      }),
      async (c) => {
        const query = c.req.valid("query");
        const list = await channels.list(c.var.caller.userId, {
          memberOnly: query.member === "me",
          limit: query.limit,
          after: query.after,
        });
        if (query.member !== "me") return c.json({ data: list.map(toChannelJson) }, 200);
        // Your channels carry your unread state, read in one round trip for the page.
        const summaries = await reads.summaries(c.var.caller.userId, list.map((ch) => ch.id));
        const byId = new Map(summaries.map((s) => [s.channelId, s]));
        return c.json({
          data: list.map((ch) => withReadState(toChannelJson(ch), byId.get(ch.id))),
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/api/channels/{id}/read",
        middleware: [auth] as const,
        request: {
          params: ChannelIdParam,
          body: { required: true, ...json(MarkReadBody, "The newest message read") },
        },
        responses: { 200: json(ReadStateEnvelope, "Your read state now"), ...errors },
      }),
      async (c) => {
        const result = await reads.markRead(
          c.var.caller.userId,
          c.req.valid("param").id,
          c.req.valid("json").message_id,
        );
        if (!result.ok) return chatErrorResponse(c, result.error);
        const { channelId, unreadCount, lastReadId } = result.value;
        return c.json({
          data: { channel_id: channelId, unread_count: unreadCount, last_read_id: lastReadId },
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/api/channels/{id}",
        middleware: [auth] as const,
        request: { params: ChannelIdParam },
        responses: { 200: json(ChannelEnvelope, "The channel"), ...errors },
      }),
      async (c) => {
        const result = await channels.accessible(c.var.caller.userId, c.req.valid("param").id);
        if (!result.ok) return chatErrorResponse(c, result.error);
        return c.json({ data: toChannelJson(result.value) }, 200);
      },
    );
}
