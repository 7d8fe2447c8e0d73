import assert from "node:assert/strict";
import type { Message } from "./api.ts";
import { Store } from "./state.ts";

const channel = "95e4103b-be2f-4131-ae0d-215c197061d8";
const message = (id: string, content: string): Message => ({
  id,
  channel_id: channel,
  user_id: "fcbe4008-754e-472a-bb29-7159e61b6aea",
  username: "ada",
  content,
  timestamp: "2026-11-27T03:39:17.603Z",
  edited_at: null,
  reactions: [],
  reply_to: null,
  mentions: [],
});
const first = message("00000001-0000-11f1-a408-302e0cbf4465", "first");
const second = message("00000002-0000-11f1-a408-302e0cbf4465", "second");
const third = message("00000003-0000-11f1-a408-302e0cbf4465", "third");

Deno.test("a message that arrives twice (history, replay, live) is kept once, in order", () => {
  const store = new Store();
  const changed: (string | undefined)[] = [];
  store.on("conversation", (id) => changed.push(id));

  assert.deepEqual(store.addMessages(channel, [third, first]), [third, first]);
  assert.deepEqual(store.addMessages(channel, [second, third]), [second]);
  assert.deepEqual(store.addMessages(channel, [first]), []);

  assert.deepEqual(store.conversation(channel).messages.map((m) => m.content), [
    "first",
    "second",
    "third",
  ]);
  assert.equal(store.newestId(channel), third.id);
  assert.equal(store.oldestId(channel), first.id);
  assert.deepEqual(changed, [channel, channel], "no redraw when nothing was new");
});

Deno.test("losing the connection marks every conversation as not live", () => {
  const store = new Store();
  store.conversation(channel).live = true;
  store.setConnection("reconnecting");
  assert.equal(store.conversation(channel).live, false);
});

Deno.test("an edit applies once, and an older edit never overwrites a newer one", () => {
  const store = new Store();
  store.addMessages(channel, [first, second]);
  store.editMessage(channel, first.id, "first, edited", "2026-11-27T03:40:00.000Z");
  store.editMessage(channel, first.id, "stale", "2026-11-27T03:39:59.000Z");
  assert.deepEqual(
    store.conversation(channel).messages.map((m) => [m.content, m.edited_at]),
    [["first, edited", "2026-11-27T03:40:00.000Z"], ["second", null]],
  );
});

Deno.test("reaction frames set the emoji's count; mine are marked; a count of 0 leaves", () => {
  const store = new Store();
  store.addMessages(channel, [first]);
  store.setReaction(channel, first.id, "👍", 1);
  store.setReaction(channel, first.id, "👍", 2, true);
  store.setReaction(channel, first.id, "🎉", 1);
  const reactions = () => store.conversation(channel).messages[0].reactions;
  assert.deepEqual(reactions(), [
    { emoji: "👍", count: 2, me: true },
    { emoji: "🎉", count: 1, me: false },
  ]);
  store.setReaction(channel, first.id, "🎉", 0);
  store.setReaction(channel, first.id, "👍", 1, false);
  assert.deepEqual(reactions(), [{ emoji: "👍", count: 1, me: false }]);
});

Deno.test("a subscription resumes from a message older than the newest held by the overlap", () => {
  const store = new Store();
  assert.equal(store.resumeFrom(channel), undefined, "nothing held: subscribe without after");
  const at = (id: string, iso: string) => ({ ...message(id, id), timestamp: iso });
  const a = at("00000001-0000-11f1-a408-302e0cbf4465", "2026-11-27T03:39:00.000Z");
  const b = at("00000002-0000-11f1-a408-302e0cbf4465", "2026-11-27T03:39:05.000Z");
  const c = at("00000003-0000-11f1-a408-302e0cbf4465", "2026-11-27T03:39:12.000Z");
  const d = at("00000004-0000-11f1-a408-302e0cbf4465", "2026-11-27T03:39:16.000Z");
  store.addMessages(channel, [d]);
  assert.equal(store.resumeFrom(channel), d.id, "only recent messages: from the oldest held");
  store.addMessages(channel, [a, b, c]);
  // d is newest (03:39:16); 10 s before is 03:39:06: b (03:39:05) is the newest at or before it.
  assert.equal(store.resumeFrom(channel), b.id);
  assert.equal(store.resumeFrom(channel, 0), d.id);
});
