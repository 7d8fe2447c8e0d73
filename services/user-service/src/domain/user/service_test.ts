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
