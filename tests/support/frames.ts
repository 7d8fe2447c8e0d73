/** Frame checks shared by the in-process gateway suite and the end-to-end one. */
import assert from "node:assert/strict";
import type { TestSocket } from "./socket.ts";

/**
 * A `new_message` frame carries exactly the message fields, the trimmed content,
 * the sender's id and name, the client id and a millisecond RFC 3339 time.
 */
export function assertNewMessageFrame(
  // deno-lint-ignore no-explicit-any -- a frame as received
  frame: any,
  expected: { content: string; user: { id: string; username: string }; clientId: string },
): void {
  assert.deepEqual(Object.keys(frame).sort(), [
    "channel_id",
    "client_id",
    "content",
    "edited_at",
    "id",
    "mentions",
    "reactions",
    "reply_to",
    "timestamp",
    "type",
    "user_id",
    "username",
  ]);
  assert.equal(frame.content, expected.content);
  assert.equal(frame.user_id, expected.user.id);
  assert.equal(frame.username, expected.user.username);
  assert.equal(frame.client_id, expected.clientId);
  assert.match(frame.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(frame.edited_at, null);
  assert.deepEqual(frame.reactions, []);
  assert.equal(frame.reply_to, null);
  assert.deepEqual(frame.mentions, []);
}

/**
 * Client frames the server must answer with an error frame (code, and a message
 * naming the field where there is one) without closing the connection.
 */
export function badFrames(channelId: string, secret: string): [unknown, string, RegExp?][] {
  return [
    ["not json", "malformed_frame"],
    ["[1,2]", "invalid_frame"],
    [{ type: "dance" }, "invalid_frame"],
    [{ no: "type" }, "invalid_frame"],
    [{ type: "subscribe" }, "invalid_frame", /channel_id/],
    [{ type: "subscribe", channel_id: 42 }, "invalid_frame", /channel_id/],
    [{ type: "send_message", channel_id: channelId }, "invalid_frame", /content/],
    [
      { type: "send_message", channel_id: channelId, content: "   " },
      "validation_failed",
      /content/,
    ],
    [
      { type: "send_message", channel_id: channelId, content: "x".repeat(4001) },
      "validation_failed",
      /content/,
    ],
    [{ type: "subscribe", channel_id: "not-a-uuid" }, "validation_failed", /channel_id/],
    [{ type: "subscribe", channel_id: crypto.randomUUID() }, "not_found"],
    [{ type: "subscribe", channel_id: secret }, "not_found"],
    [{ type: "send_message", channel_id: secret, content: "hi" }, "not_found"],
    [{ type: "subscribe", channel_id: channelId, after: "yesterday" }, "invalid_frame", /after/],
  ];
}

/** The `mention` frame a message raises: its author, and the start of its text as sent. */
export function mentionFrameOf(
  message: { id: string; channel_id: string; content: string; timestamp: string },
  author: { id: string; username: string },
) {
  return {
    type: "mention",
    channel_id: message.channel_id,
    message_id: message.id,
    user_id: author.id,
    username: author.username,
    preview: [...message.content].slice(0, 120).join(""),
    timestamp: message.timestamp,
  };
}

/** Matches `presence` frames about `userId`. */
// deno-lint-ignore no-explicit-any -- a frame as received
export const presenceOf = (userId: string) => (f: any) =>
  f.type === "presence" && f.user_id === userId;

/**
 * `userId` opened `socket`, their only one: `watcher` sees them online (never seen before), then
 * away and back online as that socket declares it.
 */
export async function assertOnlineAwayAndBack(
  watcher: TestSocket,
  socket: TestSocket,
  userId: string,
): Promise<void> {
  assert.deepEqual(await watcher.next(presenceOf(userId)), {
    type: "presence",
    user_id: userId,
    status: "online",
    last_seen: null,
  });
  socket.send({ type: "set_status", status: "away" });
  assert.equal((await watcher.next(presenceOf(userId))).status, "away");
  socket.send({ type: "set_status", status: "online" });
  assert.equal((await watcher.next(presenceOf(userId))).status, "online");
}
