import assert from "node:assert/strict";
import { CHAT_MESSAGE_TOPICS, chatMessagesTopic, chatShardOf } from "./topics.ts";

Deno.test("topics: the shard of a channel is its UUID modulo 16, its last hex digit", () => {
  assert.equal(chatShardOf("00000000-0000-4000-8000-000000000000"), 0);
  assert.equal(chatShardOf("00000000-0000-4000-8000-00000000000f"), 15);
  assert.equal(chatShardOf("00000000-0000-4000-8000-0000000000aB"), 11);
  const id = "7d444840-9dc0-11d1-b245-5ffdce74fad2";
  assert.equal(chatShardOf(id), Number(BigInt(`0x${id.replaceAll("-", "")}`) % 16n));
  assert.equal(chatMessagesTopic(id), "chat.messages.2");
});

Deno.test("topics: there are sixteen chat message topics", () => {
  assert.equal(CHAT_MESSAGE_TOPICS.length, 16);
  assert.equal(CHAT_MESSAGE_TOPICS[0], "chat.messages.0");
  assert.equal(CHAT_MESSAGE_TOPICS[15], "chat.messages.15");
});
