/** `/api/channels`: create, list and read channels. */
import { BODY_ERRORS, jsonBody, jsonContent as json } from "@chat-ts/shared/http";
import type { ChannelService } from "../../../domain/channel/service.ts";
import type { ReadService } from "../../../domain/read/service.ts";
import type { ChatAuth } from "../env.ts";
import { answer } from "../errors.ts";
import { chatErrorsOf, chatResource } from "../resource.ts";
import {
  ChannelEnvelope,
  ChannelListEnvelope,
  NOT_VISIBLE,
  ReadStateEnvelope,
} from "../responses.ts";
import {
  ChannelIdParam,
  CreateChannelBody,
  ListChannelsQuery,
  MarkReadBody,
  toChannelJson,
  toReadStateJson,
  withReadState,
} from "../schemas.ts";

const createChannelErrors = chatErrorsOf({
  ...BODY_ERRORS,
  409: "A public or private channel of that name exists",
  422: "A field breaks its rule, or participant_id names no user (or the caller)",
  429: "Too many channels created this hour; Retry-After says when to try again",
});
const listChannelsErrors = chatErrorsOf({
  400: "limit, after or member breaks its rule (the message names it)",
});
const markReadErrors = chatErrorsOf({
  ...BODY_ERRORS,
  404: "No such channel or message visible to the caller",
  422: "message_id is not a message id",
});
const getChannelErrors = chatErrorsOf({
  400: "id is not a UUID",
  404: NOT_VISIBLE,
});

export function channelRoutes(
  deps: { channels: ChannelService; reads: ReadService; auth: ChatAuth },
) {
  const { channels, reads, auth } = deps;
  const { app, route } = chatResource("Channels", auth);
  return app
    .openapi(
      route({
        method: "post",
        path: "/api/channels",
        operationId: "createChannel",
        summary: "Create a channel, or find the pair's direct channel",
        request: { body: jsonBody(CreateChannelBody, "The channel to create") },
        responses: {
          201: json(ChannelEnvelope, "Created"),
          200: json(ChannelEnvelope, "The pair's existing direct channel"),
          ...createChannelErrors,
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
        if (!result.ok) return answer.error(c, result.error, createChannelErrors);
        return c.json(
          { data: toChannelJson(result.value.channel) },
          result.value.created ? 201 : 200,
        );
      },
    )
    .openapi(
      route({
        method: "get",
        path: "/api/channels",
        operationId: "listChannels",
        summary: "List public channels, or the caller's with unread counts",
        request: { query: ListChannelsQuery },
        responses: { 200: json(ChannelListEnvelope, "Channels by name"), ...listChannelsErrors },
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
      route({
        method: "post",
        path: "/api/channels/{id}/read",
        operationId: "markRead",
        summary: "Mark a channel read up to a message",
        request: {
          params: ChannelIdParam,
          body: jsonBody(MarkReadBody, "The newest message read"),
        },
        responses: { 200: json(ReadStateEnvelope, "Your read state now"), ...markReadErrors },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const read = await reads.markRead(c.var.caller.userId, id, c.req.valid("json").message_id);
        return answer.data(c, read, markReadErrors, 200, toReadStateJson);
      },
    )
    .openapi(
      route({
        method: "get",
        path: "/api/channels/{id}",
        operationId: "getChannel",
        summary: "Read a channel",
        request: { params: ChannelIdParam },
        responses: { 200: json(ChannelEnvelope, "The channel"), ...getChannelErrors },
      }),
      async (c) =>
        answer.data(
          c,
          await channels.accessible(c.var.caller.userId, c.req.valid("param").id),
          getChannelErrors,
          200,
          toChannelJson,
        ),
    );
}
