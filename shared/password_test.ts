import assert from "node:assert/strict";
import { hashPassword, verifyPassword } from "./password.ts";

Deno.test("password: hashes with Argon2id at m=19456, t=2, p=1 and a fresh salt", async () => {
  const first = await hashPassword("correct horse battery");
  const second = await hashPassword("correct horse battery");
  assert.match(first, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.notEqual(first, second);
  assert.ok(!first.includes("correct horse"));
});

Deno.test("password: verifies the right password and rejects a wrong one", async () => {
  const phc = await hashPassword("s3cret-passphrase");
  assert.equal(await verifyPassword(phc, "s3cret-passphrase"), true);
  assert.equal(await verifyPassword(phc, "s3cret-passphrasE"), false);
  assert.equal(await verifyPassword(phc, ""), false);
});

Deno.test("password: a malformed stored hash verifies as false instead of throwing", async () => {
  assert.equal(await verifyPassword("not-a-phc-string", "anything"), false);
});
