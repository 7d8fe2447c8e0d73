import assert from "node:assert/strict";
import { Revocations, type SessionEnd } from "./revocations.ts";

const user = "0b7c5a6e-4d1f-4a8e-9c3b-2f1e0d9c8b7a";
const session = "7d444840-9dc0-11d1-b245-5ffdce74fad2";
const t0 = Date.parse("2026-06-01T12:00:00Z");

function setup() {
  let now = t0;
  const revocations = new Revocations({ tokenTtlMs: 900_000, now: () => now });
  return { revocations, advance: (ms: number) => now += ms };
}

const end = (sessionId?: string, at = t0): SessionEnd => ({
  type: "session_ended",
  eventId: crypto.randomUUID(),
  userId: user,
  ...(sessionId === undefined ? {} : { sessionId }),
  at: new Date(at),
});

Deno.test("revocations: an ended session's tokens are refused; other sessions are not", () => {
  const { revocations } = setup();
  revocations.learn(end(session));
  assert.ok(revocations.refuses({ userId: user, sessionId: session, issuedAt: new Date(t0) }));
  assert.ok(
    !revocations.refuses({ userId: user, sessionId: crypto.randomUUID(), issuedAt: new Date(t0) }),
  );
});

Deno.test("revocations: all of a user's sessions: tokens issued before are refused, later ones not", () => {
  const { revocations } = setup();
  revocations.learn(end(undefined, t0));
  assert.ok(revocations.refuses({ userId: user, issuedAt: new Date(t0 - 60_000) }));
  assert.ok(revocations.refuses({ userId: user, sessionId: session, issuedAt: new Date(t0) }));
  assert.ok(!revocations.refuses({ userId: user, issuedAt: new Date(t0 + 1000) }));
});

Deno.test("revocations: an entry goes once every token it covers has expired", () => {
  const { revocations, advance } = setup();
  revocations.learn(end(session));
  advance(899_000);
  revocations.prune();
  assert.equal(revocations.size, 1);
  advance(2000);
  revocations.prune();
  assert.equal(revocations.size, 0);
  // Learning an old end that no longer matters keeps nothing.
  revocations.learn(end(session, t0));
  assert.equal(revocations.size, 0);
});
