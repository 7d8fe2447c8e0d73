/** Response entries every chat route shares: the envelopes and every error the mapping can give. */
import { z } from "@hono/zod-openapi";
import { ErrorJson, jsonContent as json } from "@chat-ts/shared/http";
import { ChannelJson, MemberJson, MessageJson, ReadStateJson } from "./schemas.ts";

export const errors = {
  400: json(ErrorJson, "Malformed JSON or parameter"),
  401: json(ErrorJson, "Missing or invalid token"),
  403: json(ErrorJson, "Not allowed"),
  404: json(ErrorJson, "Missing, or not visible to the caller"),
  409: json(ErrorJson, "Name taken"),
  422: json(ErrorJson, "A field breaks a rule; the message names it"),
  429: json(ErrorJson, "A per-user limit; Retry-After says when to try again"),
  503: json(ErrorJson, "A dependency is unavailable"),
};

export const ChannelEnvelope = z.object({ data: ChannelJson });
export const ChannelListEnvelope = z.object({ data: z.array(ChannelJson) });
export const MessageEnvelope = z.object({ data: MessageJson });
export const MessageListEnvelope = z.object({ data: z.array(MessageJson) });
export const MemberListEnvelope = z.object({ data: z.array(MemberJson) });
export const ReadStateEnvelope = z.object({ data: ReadStateJson });
