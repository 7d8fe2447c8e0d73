/** The user store port: in memory, on PGlite (embedded mode) and on real Postgres. */
import assert from "node:assert/strict";
import { err, ok } from "@chat-ts/shared/result";
import type {
  EmailAddress,
  PasswordHash,
  User,
  UserId,
  Username,
  UsernamePrefix,
} from "../../services/user-service/src/domain/user/models.ts";
import type { UserStore } from "../../services/user-service/src/domain/user/ports.ts";
import { MemoryUserStore } from "../../services/user-service/src/outbound/memory/user_store.ts";
import { PostgresUserStore } from "../../services/user-service/src/outbound/postgres/user_store.ts";
import { uniqueName } from "../support/names.ts";
import { contract, inMemoryAndPostgres } from "./support.ts";

function newUser(name = uniqueName("u")): User {
  // Postgres keeps microseconds, JS milliseconds: whole milliseconds compare equal everywhere.
  const at = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    id: crypto.randomUUID() as UserId,
    username: name as Username,
    email: `${name.toLowerCase()}@example.com` as EmailAddress,
    passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA" as PasswordHash,
    createdAt: at,
    updatedAt: at,
  };
}

const insert = (store: UserStore, user: User) => store.transaction((tx) => tx.users.insert(user));

const stores = inMemoryAndPostgres<UserStore>(MemoryUserStore, PostgresUserStore, "users");

contract("user repository", stores, {
  "an inserted user is found by id and by username in any case": async (store) => {
    const user = newUser();
    assert.deepEqual(await insert(store, user), ok(user));
    assert.deepEqual(await store.users.findById(user.id), user);
    assert.deepEqual(await store.users.findByUsername(user.username.toUpperCase()), user);
    assert.equal(await store.users.findById(crypto.randomUUID() as UserId), undefined);
  },
  "usernames and emails are unique ignoring case, and a refused insert changes nothing": async (
    store,
  ) => {
    const first = newUser();
    await insert(store, first);
    const sameName = { ...newUser(), username: first.username.toUpperCase() as Username };
    assert.deepEqual(await insert(store, sameName), err("username_taken"));
    // Emails reach the store lower-cased (EmailAddress.parse), so "ignoring case" is equality here.
    const sameEmail = { ...newUser(), email: first.email };
    assert.deepEqual(await insert(store, sameEmail), err("email_taken"));
    assert.equal(await store.users.findById(sameName.id), undefined);
    assert.equal(await store.users.findById(sameEmail.id), undefined);
  },
  "an update is visible, and an update into a taken name is refused": async (store) => {
    const [a, b] = [newUser(), newUser()];
    await insert(store, a);
    await insert(store, b);
    const renamed = {
      ...a,
      username: uniqueName("r") as Username,
      updatedAt: new Date(a.updatedAt.getTime() + 1000),
    };
    assert.deepEqual(await store.transaction((tx) => tx.users.update(renamed)), ok(renamed));
    assert.deepEqual(await store.users.findById(a.id), renamed);
    const clash = { ...b, username: renamed.username };
    assert.deepEqual(
      await store.transaction((tx) => tx.users.update(clash)),
      err("username_taken"),
    );
    assert.deepEqual(await store.users.findById(b.id), b);
  },
  "a username prefix search ignores case, sorts by lower-cased name, honours the limit": async (
    store,
  ) => {
    const run = uniqueName("p").toLowerCase();
    const made = [`${run}_Bea`, `${run}_abe`, `${run}_ABC`, `${run}x_abe`].map((name) =>
      newUser(name)
    );
    for (const user of made) await insert(store, user);
    const prefix = (raw: string) => raw.toLowerCase() as UsernamePrefix;
    const found = await store.users.searchByUsername(prefix(`${run.toUpperCase()}_`), 10);
    assert.deepEqual(found, [
      { id: made[2].id, username: made[2].username },
      { id: made[1].id, username: made[1].username },
      { id: made[0].id, username: made[0].username },
    ]);
    assert.equal((await store.users.searchByUsername(prefix(`${run}_`), 2)).length, 2);
    assert.deepEqual(await store.users.searchByUsername(prefix(`${run}_z`), 10), []);
  },
  "an error result rolls the whole transaction back": async (store) => {
    const user = newUser();
    const result = await store.transaction(async (tx) => {
      await tx.users.insert(user);
      return err("changed my mind");
    });
    assert.deepEqual(result, err("changed my mind"));
    assert.equal(await store.users.findById(user.id), undefined);
  },
  "a deleted user is gone, and deleting again reports it": async (store) => {
    const user = newUser();
    await insert(store, user);
    assert.deepEqual(
      await store.transaction(async (tx) => ok(await tx.users.delete(user.id))),
      ok(true),
    );
    assert.equal(await store.users.findById(user.id), undefined);
    assert.deepEqual(
      await store.transaction(async (tx) => ok(await tx.users.delete(user.id))),
      ok(false),
    );
    // The name is free again.
    assert.deepEqual(
      await insert(store, { ...newUser(), username: user.username }),
      ok(
        await store.users.findByUsername(user.username).then((u) => {
          if (u === undefined) throw new Error("re-registered user not found");
          return u;
        }),
      ),
    );
  },
});
