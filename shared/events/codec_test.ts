import assert from "node:assert/strict";
import { decodeEvent, encodeEvent, type Event } from "./codec.ts";

const id = () => crypto.randomUUID();
const at = "2026-03-04T05:06:07.089Z";

const samples: Event[] = [
  {
    event_type: "user_created",
    event_id: id(),
    user_id: id(),
    username: "bob",
    email: "b@x.io",
    created_at: at,
  },
  {
    event_type: "user_updated",
    event_id: id(),
    user_id: id(),
    username: "bob2",
    email: "b@x.io",
    updated_at: at,
  },
  { event_type: "user_deleted", event_id: id(), user_id: id(), deleted_at: at },
  { event_type: "session_ended", event_id: id(), user_id: id(), session_id: id(), at },
  { event_type: "session_ended", event_id: id(), user_id: id(), at },
  {
    event_type: "message_sent",
    event_id: id(),
    message_id: "5b6ad0e0-f7d9-11f0-8de9-0242ac120002",
    channel_id: id(),
    user_id: id(),
    content: "hi",
    timestamp: at,
  },
  {
    event_type: "message_deleted",
    event_id: id(),
    message_id: id(),
    channel_id: id(),
    deleted_at: at,
  },
  {
    event_type: "channel_created",
    event_id: id(),
    channel_id: id(),
    channel_type: "public",
    name: "general",
    created_by: id(),
    created_at: at,
  },
];

for (const event of samples) {
  Deno.test(`events: ${event.event_type} round-trips through encode and decode`, () => {
    const encoded = encodeEvent(event);
    assert.deepEqual(decodeEvent(encoded), { ok: true, value: event });
    assert.deepEqual(decodeEvent(new TextEncoder().encode(encoded)), { ok: true, value: event });
  });
}

Deno.test("events: an unknown event_type is reported, not thrown", () => {
  const result = decodeEvent(JSON.stringify({ event_type: "user_renamed", event_id: id() }));
  assert.ok(!result.ok);
  assert.equal(result.error.kind, "unknown_event_type");
  assert.ok(
    result.error.kind === "unknown_event_type" && result.error.eventType === "user_renamed",
  );
});

Deno.test("events: a known event with a bad field is reported as invalid, naming the field", () => {
  const result = decodeEvent(JSON.stringify({ ...samples[0], user_id: "not-a-uuid" }));
  assert.ok(!result.ok);
  assert.equal(result.error.kind, "invalid_event");
  assert.match(result.error.message, /user_id/);
});

Deno.test("events: non-JSON, empty and tagless values are reported", () => {
  assert.equal(decodeEvent("{not json").ok, false);
  assert.equal(decodeEvent(null).ok, false);
  const tagless = decodeEvent(JSON.stringify({ hello: 1 }));
  assert.ok(!tagless.ok && tagless.error.kind === "unknown_event_type");
});
