/** Domain rules with the in-process store: fast, no infrastructure. */
import assert from "node:assert/strict";
import { MemoryUserStore } from "../../outbound/memory/user_store.ts";
import type { PasswordHash } from "./models.ts";
import { UserService } from "./service.ts";

function setup() {
  const store = new MemoryUserStore();
  let clock = new Date("2026-01-01T00:00:00.000Z");
  let verifications = 0;
  const users = new UserService({
    store,
    // A transparent "hash" keeps these tests instant; Argon2id has its own tests.
    hasher: {
      hash: (p) => Promise.resolve(`hashed:${p}` as PasswordHash),
      verify: (h, p) => {
        verifications++;
        return Promise.resolve(h === `hashed:${p}`);
      },
    },
    tokens: { issue: ({ userId }) => Promise.resolve(`token-for-${userId}`) },
    refreshTokens: {
      generate: () => `refresh-${crypto.randomUUID()}`,
      hash: (token) => Promise.resolve(`hash:${token}`),
    },
    lifetimes: { accessSeconds: 900, refreshSeconds: 86_400 },
    clock: { now: () => clock },
    ids: { newId: () => crypto.randomUUID() },
  });
  return {
    store,
    users,
    advance: (ms: number) => clock = new Date(clock.getTime() + ms),
    verifications: () => verifications,
  };
}

const alice = { username: "Alice_1", emailAddress: " Alice@Example.COM ", password: "password123" };

Deno.test("user: registering records the user and a user_created event", async () => {
  const { users, store } = setup();
  const result = await users.register(alice);
  assert.ok(result.ok);
  assert.equal(result.value.username, "Alice_1");
  assert.equal(result.value.email, "alice@example.com");
  assert.equal(result.value.passwordHash, "hashed:password123");
  assert.deepEqual(store.events.map((e) => e.type), ["user_created"]);
});

Deno.test("user: usernames and emails are unique ignoring case; a refused change records nothing", async () => {
  const { users, store } = setup();
  await users.register(alice);
  const sameName = await users.register({ ...alice, username: "ALICE_1", emailAddress: "x@y.io" });
  assert.ok(!sameName.ok && sameName.error.type === "username_taken");
  const sameEmail = await users.register({
    ...alice,
    username: "bob",
    emailAddress: "ALICE@example.com",
  });
  assert.ok(!sameEmail.ok && sameEmail.error.type === "email_taken");
  assert.equal(store.events.length, 1);
});

Deno.test("user: each invalid field is named", async () => {
  const { users } = setup();
  const bad = [
    [{ ...alice, username: "a" }, "username"],
    [{ ...alice, emailAddress: "a@b" }, "email_address"],
    [{ ...alice, password: "1234567" }, "password"],
  ] as const;
  for (const [command, field] of bad) {
    const result = await users.register(command);
    assert.ok(!result.ok && result.error.type === "validation" && result.error.field === field);
  }
});

Deno.test("user: login fails the same way for unknown users and wrong passwords, verifying a hash either way", async () => {
  const { users, verifications } = setup();
  const registered = await users.register(alice);
  assert.ok(registered.ok);
  const ok = await users.login("alice_1", "password123");
  assert.ok(ok.ok && ok.value.token === `token-for-${registered.value.id}`);
  const wrong = await users.login("Alice_1", "wrong-password");
  const unknown = await users.login("nobody", "password123");
  assert.ok(!wrong.ok && !unknown.ok);
  assert.deepEqual(wrong.error, unknown.error);
  assert.equal(verifications(), 3);
});

Deno.test("user: only the owner may update or delete; events follow each change", async () => {
  const { users, store, advance } = setup();
  const a = await users.register(alice);
  const b = await users.register({
    username: "bob",
    emailAddress: "bob@x.io",
    password: "password123",
  });
  assert.ok(a.ok && b.ok);
  const forbidden = await users.updateUser(b.value.id, a.value.id, { username: "mallory" });
  assert.ok(!forbidden.ok && forbidden.error.type === "not_self");
  advance(1000);
  const updated = await users.updateUser(a.value.id, a.value.id, { username: "alice_2" });
  assert.ok(updated.ok);
  assert.equal(updated.value.updatedAt.getTime() - updated.value.createdAt.getTime(), 1000);
  const deleteOther = await users.deleteUser(b.value.id, a.value.id);
  assert.ok(!deleteOther.ok && deleteOther.error.type === "not_self");
  assert.ok((await users.deleteUser(a.value.id, a.value.id)).ok);
  const again = await users.deleteUser(a.value.id, a.value.id);
  assert.ok(!again.ok && again.error.type === "user_not_found");
  assert.deepEqual(store.events.map((e) => e.type), [
    "user_created",
    "user_created",
    "user_updated",
    "user_deleted",
  ]);
});

async function loggedIn() {
  const setup_ = setup();
  const registered = await setup_.users.register(alice);
  assert.ok(registered.ok);
  const session = await setup_.users.login("alice_1", "password123");
  assert.ok(session.ok);
  return { ...setup_, user: registered.value, session: session.value };
}

const endedSessions = (store: MemoryUserStore) =>
  store.events.flatMap((e) => e.type === "session_ended" ? [e.sessionId ?? "all"] : []);

Deno.test("session: login gives a refresh token and the access token's lifetime", async () => {
  const { session, users, user } = await loggedIn();
  assert.equal(session.expiresIn, 900);
  assert.ok(session.refreshToken.length > 0);
  assert.ok(await users.sessionIsLive(user.id, session.sessionId));
});

Deno.test("session: a refresh rotates the token; the old one then ends the whole session", async () => {
  const { session, users, user, store } = await loggedIn();
  const next = await users.refresh(session.refreshToken);
  assert.ok(next.ok);
  assert.equal(next.value.sessionId, session.sessionId);
  assert.notEqual(next.value.refreshToken, session.refreshToken);
  const reused = await users.refresh(session.refreshToken);
  assert.ok(!reused.ok && reused.error.type === "invalid_refresh_token");
  assert.equal(await users.sessionIsLive(user.id, session.sessionId), false);
  // The newest token of the ended session is refused too.
  const after = await users.refresh(next.value.refreshToken);
  assert.ok(!after.ok && after.error.type === "invalid_refresh_token");
  assert.deepEqual(endedSessions(store), [session.sessionId]);
});

Deno.test("session: an unknown or expired refresh token is refused", async () => {
  const { session, users, advance } = await loggedIn();
  const unknown = await users.refresh("not-a-token");
  assert.ok(!unknown.ok && unknown.error.type === "invalid_refresh_token");
  advance(86_400_000 + 1);
  const expired = await users.refresh(session.refreshToken);
  assert.ok(!expired.ok && expired.error.type === "invalid_refresh_token");
});

Deno.test("session: logout ends the session once and publishes session_ended", async () => {
  const { session, users, user, store } = await loggedIn();
  assert.ok((await users.logout(user.id, session.sessionId)).ok);
  assert.ok((await users.logout(user.id, session.sessionId)).ok);
  assert.equal(await users.sessionIsLive(user.id, session.sessionId), false);
  const refreshed = await users.refresh(session.refreshToken);
  assert.ok(!refreshed.ok);
  assert.deepEqual(endedSessions(store), [session.sessionId]);
});

Deno.test("session: a password change ends every other session, not the caller's", async () => {
  const { session, users, user, store } = await loggedIn();
  const other = await users.login("alice_1", "password123");
  assert.ok(other.ok);
  const changed = await users.updateUser(
    user.id,
    user.id,
    { password: "another-password" },
    session.sessionId,
  );
  assert.ok(changed.ok);
  assert.ok(await users.sessionIsLive(user.id, session.sessionId));
  assert.equal(await users.sessionIsLive(user.id, other.value.sessionId), false);
  assert.deepEqual(endedSessions(store), [other.value.sessionId]);
  // Changing only the email ends nothing.
  assert.ok((await users.updateUser(user.id, user.id, { emailAddress: "n@x.io" })).ok);
  assert.deepEqual(endedSessions(store), [other.value.sessionId]);
});

Deno.test("session: deleting the account ends all sessions (user_deleted says so)", async () => {
  const { session, users, user } = await loggedIn();
  assert.ok((await users.deleteUser(user.id, user.id)).ok);
  assert.equal(await users.sessionIsLive(user.id, session.sessionId), false);
  assert.equal(await users.sessionState(user.id, session.sessionId), "no_account");
  assert.ok(!(await users.refresh(session.refreshToken)).ok);
});
