import assert from "node:assert/strict";
import { MessageId } from "../../domain/ids.ts";
import { TimeUuidGenerator } from "./time_uuid_generator.ts";

Deno.test("time uuid: the id is a valid v1 UUID carrying the message's millisecond", () => {
  const ids = new TimeUuidGenerator();
  for (const at of [new Date(0), new Date("2026-12-01T17:15:23.456Z"), new Date(2 ** 41)]) {
    const id = ids.next(at);
    const parsed = MessageId.parse(id);
    assert.ok(parsed.ok, id);
    assert.equal(MessageId.timeOf(parsed.value).getTime(), at.getTime());
  }
});

Deno.test("time uuid: ids of one millisecond are distinct and later ones sort after", () => {
  const ids = new TimeUuidGenerator();
  const at = new Date("2026-12-01T00:00:00.000Z");
  const sameMs = new Set(Array.from({ length: 9_999 }, () => ids.next(at)));
  assert.equal(sameMs.size, 9_999);
  const a = ids.next(new Date(at.getTime() + 1));
  const b = ids.next(new Date(at.getTime() + 2));
  assert.ok(MessageId.timeOf(a as MessageId) < MessageId.timeOf(b as MessageId));
});

Deno.test("time uuid: two generators in one millisecond do not collide", () => {
  const at = new Date();
  const [x, y] = [new TimeUuidGenerator(), new TimeUuidGenerator()];
  assert.notEqual(x.next(at), y.next(at));
});

Deno.test("time uuid: cassandra-driver reads the same time back", async () => {
  const { default: cassandra } = await import("cassandra-driver");
  const at = new Date("2031-05-06T07:08:09.123Z");
  const id = new TimeUuidGenerator().next(at);
  assert.equal(cassandra.types.TimeUuid.fromString(id).getDate().getTime(), at.getTime());
});
