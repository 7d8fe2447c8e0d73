import assert from "node:assert/strict";
import type { ChannelId, UserId } from "../../domain/ids.ts";
import { Hub, type OutgoingFrame, type Subscriber } from "./hub.ts";

const channel = "3f1c2b8e-6a4d-4c59-9e0f-2b7d4c1a9e11" as ChannelId;
const message = (id: string): OutgoingFrame => ({ kind: "new_message", messageId: id, text: id });
const deleted = (id: string): OutgoingFrame => ({
  kind: "message_deleted",
  messageId: id,
  text: `-${id}`,
});

function subscriber(): Subscriber & { readonly got: string[] } {
  const got: string[] = [];
  return {
    got,
    userId: "7d9b0e4a-2c1f-4b8e-9a3d-5e6f7a8b9c0d" as UserId,
    deliver: (_channel, frame) => void got.push(frame.text),
    notify: (text) => void got.push(text),
  };
}

Deno.test("hub: a live copy of a message already delivered is dropped, for every subscriber", () => {
  const hub = new Hub();
  const [a, b] = [subscriber(), subscriber()];
  hub.subscribe(channel, a);
  hub.subscribe(channel, b);
  assert.equal(hub.deliver(channel, message("m1")), 2);
  assert.equal(hub.deliver(channel, message("m2")), 2);
  assert.equal(hub.deliver(channel, message("m1")), 0, "a relay re-send");
  assert.equal(hub.deliver(channel, deleted("m1")), 2, "other frames about it still go out");
  assert.deepEqual(a.got, ["m1", "m2", "-m1"]);
  assert.deepEqual(b.got, ["m1", "m2", "-m1"]);
});

Deno.test("hub: the dedupe window is bounded per channel; the oldest id is forgotten first", () => {
  const hub = new Hub(2);
  const a = subscriber();
  hub.subscribe(channel, a);
  for (const id of ["a", "b", "c"]) hub.deliver(channel, message(id));
  hub.deliver(channel, message("c"));
  hub.deliver(channel, message("b"));
  hub.deliver(channel, message("a"));
  assert.deepEqual(a.got, ["a", "b", "c", "a"], "only `a` was beyond the window");
});

Deno.test("hub: a channel nobody here subscribes to gets nothing and remembers nothing", () => {
  const hub = new Hub();
  assert.equal(hub.deliver(channel, message("m1")), 0);
  const a = subscriber();
  hub.subscribe(channel, a);
  hub.deliver(channel, message("m1"));
  assert.deepEqual(a.got, ["m1"]);
  hub.unsubscribe(channel, a);
  assert.equal(hub.hasSubscribers(channel), false);
});

Deno.test("hub: a record key (text or bytes) finds its channel's subscribers; ids sharing their first digits stay apart", () => {
  const hub = new Hub();
  const bytes = (id: string) => new TextEncoder().encode(id);
  // Same first 8 hex digits as `channel`, another channel.
  const sibling = "3f1c2b8e-0000-4000-8000-000000000000" as ChannelId;
  const other = "9a9b9c9d-6a4d-4c59-9e0f-2b7d4c1a9e11";
  const a = subscriber();
  assert.equal(hub.hasSubscribersOfKey(bytes(channel)), false, "nobody yet");
  hub.subscribe(channel, a);
  assert.equal(hub.hasSubscribersOfKey(bytes(channel)), true);
  assert.equal(hub.hasSubscribersOfKey(channel), true);
  assert.equal(hub.hasSubscribersOfKey(bytes(channel.toUpperCase())), false, "not the same text");
  assert.equal(hub.hasSubscribersOfKey(bytes(sibling)), false, "same first digits, nobody");
  assert.equal(hub.hasSubscribersOfKey(bytes(other)), false);
  hub.subscribe(sibling, a);
  hub.unsubscribe(channel, a);
  assert.equal(hub.hasSubscribersOfKey(bytes(channel)), false, "left");
  assert.equal(hub.hasSubscribersOfKey(bytes(sibling)), true, "the sibling is still there");
  hub.unsubscribe(sibling, a);
  assert.equal(hub.hasSubscribersOfKey(bytes(sibling)), false);
  assert.equal(hub.hasSubscribersOfKey(bytes("not a uuid")), false);
});
