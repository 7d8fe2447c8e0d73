/** The WebSocket protocol of DESIGN §4: client frames parsed with zod, server frames built once. */
import { z } from "zod";
import type { MessageView } from "../../domain/message/models.ts";
import { toWireMessage, type WireMessage } from "../message_wire.ts";

const ref = z.string().max(100).optional();
const channelId = z.string().min(1);

export const ClientFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("subscribe"),
    channel_id: channelId,
    after: z.string().optional(),
    ref,
  }),
  z.object({ type: z.literal("unsubscribe"), channel_id: channelId, ref }),
  z.object({
    type: z.literal("send_message"),
    channel_id: channelId,
    content: z.string(),
    client_id: z.string().optional(),
    ref,
  }),
  z.object({ type: z.literal("ping"), ref }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  | { type: "subscribed"; channel_id: string }
  | { type: "unsubscribed"; channel_id: string }
  | { type: "pong" }
  | ({ type: "new_message" } & WireMessage)
  | { type: "message_deleted"; id: string; channel_id: string }
  | { type: "error"; code: string; message: string; ref?: string };

export function newMessageFrame(m: MessageView): ServerFrame {
  return { type: "new_message", ...toWireMessage(m) };
}

export function errorFrame(code: string, message: string, ref?: string): string {
  return JSON.stringify({ type: "error", code, message, ...(ref === undefined ? {} : { ref }) });
}

/** Parses one text frame; an error frame's text when it is not a valid client frame. */
export function parseClientFrame(
  text: string,
): { ok: true; frame: ClientFrame } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: errorFrame("malformed_frame", "Frame is not valid JSON") };
  }
  const parsed = ClientFrame.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const ref =
    typeof json === "object" && json !== null && "ref" in json && typeof json.ref === "string"
      ? json.ref
      : undefined;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join(".") ?? "";
  const message = issue === undefined
    ? "Frame is invalid"
    : field === ""
    ? issue.message
    : `${field}: ${issue.message}`;
  return { ok: false, error: errorFrame("invalid_frame", message, ref) };
}
