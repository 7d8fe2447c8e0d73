/** Response entries chat routes share: the envelopes and the descriptions of common errors. */
import { z } from "@hono/zod-openapi";
import { ChannelJson, MemberJson, MessageJson, ReadStateJson } from "./schemas.ts";

/** What the bearer check answers on every authenticated chat route. */
export const UNAUTHORIZED = "Missing, invalid or expired token, or its session has ended";
/** Private channels are invisible to non-members: their 404 says no more than a missing one. */
export const NOT_VISIBLE = "No such channel, or it is private and the caller is not a member";

export const ChannelEnvelope = z.object({ data: ChannelJson });
export const ChannelListEnvelope = z.object({ data: z.array(ChannelJson) });
export const MessageEnvelope = z.object({ data: MessageJson });
export const MessageListEnvelope = z.object({ data: z.array(MessageJson) });
export const MemberListEnvelope = z.object({ data: z.array(MemberJson) });
export const ReadStateEnvelope = z.object({ data: ReadStateJson });
