import assert from "node:assert/strict";
import { SignJWT, UnsecuredJWT } from "jose";
import { createTokenCodec, refusingRevoked, TOKEN_ISSUER } from "./jwt.ts";

const secret = "a-test-secret-that-is-long-enough-0123456789";
const userId = "0b7c5a6e-4d1f-4a8e-9c3b-2f1e0d9c8b7a";
const now = new Date("2026-06-01T12:00:00Z");
const codec = createTokenCodec({ secret, ttlSeconds: 3600, now: () => now });

Deno.test("jwt: an issued token verifies to its user id, username and times", async () => {
  const token = await codec.issue({ userId, username: "alice" });
  const header = JSON.parse(atob(token.split(".")[0]));
  assert.equal(header.alg, "HS256");
  const result = await codec.verify(token);
  assert.ok(result.ok);
  assert.deepEqual(result.value, {
    userId,
    username: "alice",
    issuedAt: now,
    expiresAt: new Date(now.getTime() + 3600_000),
  });
  const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  assert.equal(payload.iss, TOKEN_ISSUER);
  assert.equal(payload.sub, userId);
});

Deno.test("jwt: an expired token is rejected as expired", async () => {
  const token = await codec.issue({ userId, username: "alice" });
  const later = createTokenCodec({ secret, now: () => new Date(now.getTime() + 3601_000) });
  const result = await later.verify(token);
  assert.ok(!result.ok);
  assert.equal(result.error.reason, "expired");
});

Deno.test("jwt: a token verified before still expires on time (the verified-token cache)", async () => {
  let clock = now;
  const ticking = createTokenCodec({ secret, ttlSeconds: 60, now: () => clock });
  const token = await ticking.issue({ userId, username: "alice" });
  assert.ok((await ticking.verify(token)).ok);
  assert.ok((await ticking.verify(token)).ok, "the second verify is answered by the cache");
  clock = new Date(now.getTime() + 61_000);
  const result = await ticking.verify(token);
  assert.ok(!result.ok);
  assert.equal(result.error.reason, "expired");
});

Deno.test("jwt: a cached token does not make a forged variant of it pass", async () => {
  const token = await codec.issue({ userId, username: "alice" });
  assert.ok((await codec.verify(token)).ok);
  const [header, , signature] = token.split(".");
  const forgedPayload = btoa(JSON.stringify({
    sub: userId,
    username: "mallory",
    iat: now.getTime() / 1000,
    exp: now.getTime() / 1000 + 3600,
    iss: TOKEN_ISSUER,
  })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const result = await codec.verify(`${header}.${forgedPayload}.${signature}`);
  assert.ok(!result.ok);
  assert.equal(result.error.reason, "bad_signature");
});

Deno.test("jwt: a token signed with another secret is rejected as a bad signature", async () => {
  const other = createTokenCodec({
    secret: "another-secret-that-is-also-long-enough!!",
    now: () => now,
  });
  const result = await codec.verify(await other.issue({ userId, username: "alice" }));
  assert.ok(!result.ok);
  assert.equal(result.error.reason, "bad_signature");
});

Deno.test("jwt: alg none is rejected", async () => {
  const token = new UnsecuredJWT({ username: "alice" }).setSubject(userId).setIssuer(TOKEN_ISSUER)
    .setIssuedAt(now).setExpirationTime(new Date(now.getTime() + 60_000)).encode();
  const result = await codec.verify(token);
  assert.ok(!result.ok);
  assert.equal(result.error.reason, "unsupported_algorithm");
});

Deno.test("jwt: another HMAC algorithm with the same secret is rejected", async () => {
  const token = await new SignJWT({ username: "alice" }).setProtectedHeader({ alg: "HS512" })
    .setSubject(userId).setIssuer(TOKEN_ISSUER).setIssuedAt(now)
    .setExpirationTime(new Date(now.getTime() + 60_000)).sign(new TextEncoder().encode(secret));
  const result = await codec.verify(token);
  assert.ok(!result.ok);
  assert.equal(result.error.reason, "unsupported_algorithm");
});

Deno.test("jwt: garbage and empty strings are rejected as malformed", async () => {
  for (const token of ["", "garbage", "a.b.c", "only.two"]) {
    const result = await codec.verify(token);
    assert.ok(!result.ok, token);
    assert.equal(result.error.reason, "malformed", token);
  }
});

Deno.test("jwt: a token from another issuer or without a user id is rejected", async () => {
  const key = new TextEncoder().encode(secret);
  const base = () =>
    new SignJWT({ username: "alice" }).setProtectedHeader({ alg: "HS256" }).setIssuedAt(now)
      .setExpirationTime(new Date(now.getTime() + 60_000));
  const otherIssuer = await base().setSubject(userId).setIssuer("someone-else").sign(key);
  const noSubject = await base().setIssuer(TOKEN_ISSUER).sign(key);
  const notUuid = await base().setSubject("admin").setIssuer(TOKEN_ISSUER).sign(key);
  for (const token of [otherIssuer, noSubject, notUuid]) {
    const result = await codec.verify(token);
    assert.ok(!result.ok);
    assert.equal(result.error.reason, "invalid_claims");
  }
});

Deno.test("jwt: a secret shorter than 32 bytes is refused at construction", () => {
  assert.throws(() => createTokenCodec({ secret: "short" }), RangeError);
});

Deno.test("a token verified (and cached) before its session ended is refused afterwards", async () => {
  const ended = new Set<string>();
  const guarded = refusingRevoked(codec, (claims) => ended.has(claims.sessionId ?? ""));
  const sessionId = crypto.randomUUID();
  const token = await guarded.issue({ userId: crypto.randomUUID(), username: "ada", sessionId });
  const first = await guarded.verify(token);
  assert.ok(first.ok);
  assert.equal(first.value.sessionId, sessionId);
  ended.add(sessionId);
  const again = await guarded.verify(token);
  assert.ok(!again.ok);
  assert.equal(again.error.reason, "revoked");
});
