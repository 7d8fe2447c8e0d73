import assert from "node:assert/strict";
import { parseErrorBody, parseServerFrame } from "./wire.ts";

Deno.test("server frames of DESIGN §4 parse; anything else is refused", () => {
  const frame = {
    type: "new_message",
    id: "1fa02331-ea14-11f1-a408-302e0cbf4465",
    channel_id: "95e4103b-be2f-4131-ae0d-215c197061d8",
    user_id: "fcbe4008-754e-472a-bb29-7159e61b6aea",
    username: null,
    content: "hi",
    timestamp: "2026-11-27T03:39:17.603Z",
    edited_at: null,
    reactions: [],
    reply_to: null,
    mentions: [],
  };
  assert.deepEqual(parseServerFrame(JSON.stringify(frame)), frame);
  assert.deepEqual(parseServerFrame('{"type":"pong"}'), { type: "pong" });
  assert.deepEqual(
    parseServerFrame('{"type":"error","code":"not_found","message":"No such channel"}'),
    { type: "error", code: "not_found", message: "No such channel" },
  );
  assert.equal(parseServerFrame(JSON.stringify({ ...frame, content: 42 })), undefined);
  assert.equal(parseServerFrame('{"type":"surprise"}'), undefined);
  assert.equal(parseServerFrame("not json"), undefined);
});

Deno.test("API error bodies give their message; other bodies give nothing", () => {
  assert.deepEqual(
    parseErrorBody('{"error":{"code":"conflict","message":"That channel name is already taken"}}'),
    { code: "conflict", message: "That channel name is already taken" },
  );
  assert.equal(parseErrorBody("<html>Bad Gateway</html>"), undefined);
  assert.equal(parseErrorBody('{"error":"nope"}'), undefined);
});
