/**
 * What arrives from outside without a route type: WebSocket frames (DESIGN §4) and error
 * bodies, parsed with zod once, here. The frame's message fields are checked at compile
 * time to be the same as the HTTP `Message`, so the two can be stored together.
 */
import * as z from "zod/mini";
import type { Message } from "./api.ts";

const WireMessage = z.object({
  id: z.string(),
  channel_id: z.string(),
  user_id: z.string(),
  username: z.nullable(z.string()),
  content: z.string(),
  timestamp: z.string(),
  client_id: z.optional(z.string()),
});

const ServerFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribed"), channel_id: z.string() }),
  z.object({ type: z.literal("unsubscribed"), channel_id: z.string() }),
  z.object({ type: z.literal("pong") }),
  z.extend(WireMessage, { type: z.literal("new_message") }),
  z.object({ type: z.literal("message_deleted"), id: z.string(), channel_id: z.string() }),
  z.object({
    type: z.literal("error"),
    code: z.string(),
    message: z.string(),
    ref: z.optional(z.string()),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Compile-time proof that a `new_message` frame carries exactly an HTTP `Message`. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const frameIsMessage: Same<z.infer<typeof WireMessage>, Message> = true;
void frameIsMessage;

export type ClientFrame =
  | { type: "subscribe"; channel_id: string; after?: string; ref?: string }
  | { type: "unsubscribe"; channel_id: string; ref?: string }
  | { type: "ping" };

/** A server frame, or undefined for text that is not one (logged by the caller). */
export function parseServerFrame(text: string): ServerFrame | undefined {
  const parsed = ServerFrame.safeParse(parseJson(text));
  return parsed.success ? parsed.data : undefined;
}

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** `{code, message}` of an API error body, or undefined when the text is not one. */
export function parseErrorBody(text: string): { code: string; message: string } | undefined {
  const parsed = ErrorBody.safeParse(parseJson(text));
  return parsed.success ? parsed.data.error : undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
