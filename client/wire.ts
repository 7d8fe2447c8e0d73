/**
 * What arrives without a route type: WebSocket frames (docs/websocket.md) and error bodies,
 * parsed with zod once, here. A `new_message` frame is checked at compile time to carry exactly
 * an HTTP `Message`, so the two can be stored together.
 */
import * as z from "zod/mini";
import { ServerFrame, type WireMessage } from "@chat-ts/shared/websocket";
import type { Message } from "./http.ts";

/** Compile-time proof that a `new_message` frame carries exactly an HTTP `Message`. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const frameIsMessage: Same<WireMessage, Message> = true;
void frameIsMessage;

/** A server frame, or undefined for text that is not one. */
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

/** The JSON value of `text`, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
