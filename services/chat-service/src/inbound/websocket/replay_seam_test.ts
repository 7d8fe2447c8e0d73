import assert from "node:assert/strict";
import type { OutgoingFrame } from "./hub.ts";
import { ReplaySeam } from "./replay_seam.ts";

const message = (id: string): OutgoingFrame => ({ kind: "new_message", messageId: id, text: id });
const deleted = (id: string): OutgoingFrame => ({
  kind: "message_deleted",
  messageId: id,
  text: `-${id}`,
});

Deno.test("replay seam: a live subscription lets every frame through", () => {
  const seam = ReplaySeam.live();
  assert.equal(seam.accept(message("a"), 0)?.text, "a");
  assert.equal(seam.accept(deleted("a"), 0)?.text, "-a");
});

Deno.test("replay seam: frames during a replay wait and go out after it, in order", () => {
  const seam = ReplaySeam.replaying();
  assert.equal(seam.accept(message("c"), 0), undefined);
  assert.equal(seam.accept(message("d"), 0), undefined);
  const flushed = seam.finishReplay(new Set(["a", "b"]), 0);
  assert.deepEqual(flushed.map((f) => f.text), ["c", "d"]);
});

Deno.test("replay seam: a live copy of a replayed message is dropped, during and after", () => {
  const seam = ReplaySeam.replaying();
  seam.accept(message("b"), 0); // arrived during the replay, which also read it from history
  assert.deepEqual(seam.finishReplay(new Set(["a", "b"]), 0).map((f) => f.text), []);
  assert.equal(seam.accept(message("a"), 10), undefined, "late copy within the window");
  assert.equal(seam.accept(message("e"), 10)?.text, "e");
});

Deno.test("replay seam: a deletion of a replayed message still goes out", () => {
  const seam = ReplaySeam.replaying();
  seam.accept(deleted("a"), 0);
  assert.deepEqual(seam.finishReplay(new Set(["a"]), 0).map((f) => f.text), ["-a"]);
  assert.equal(seam.accept(deleted("a"), 1)?.text, "-a");
});

Deno.test("replay seam: after the window, the replayed set is forgotten", () => {
  const seam = ReplaySeam.replaying();
  seam.finishReplay(new Set(["a"]), 0, 100);
  assert.equal(seam.accept(message("a"), 50), undefined);
  assert.equal(seam.accept(message("a"), 101)?.text, "a");
});
