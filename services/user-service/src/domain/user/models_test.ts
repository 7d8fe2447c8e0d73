/** The smart constructors: each accepts what the rules allow and names its field otherwise. */
import assert from "node:assert/strict";
import { hashPassword } from "@chat-ts/shared/password";
import { EmailAddress, PasswordHash, UserId, Username } from "./models.ts";

Deno.test("models: PasswordHash accepts Argon2id PHC strings only", async () => {
  assert.ok(PasswordHash.parse(await hashPassword("password123")).ok);
  for (const bad of ["", "hashed:x", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "$2b$10$abc"]) {
    const parsed = PasswordHash.parse(bad);
    assert.ok(!parsed.ok && parsed.error.field === "password_hash", bad);
  }
});

Deno.test("models: UserId, Username and EmailAddress name their field", () => {
  const id = UserId.parse("0B9F3A4E-1C2D-4E5F-8A9B-0C1D2E3F4A5B");
  assert.ok(id.ok && id.value === "0b9f3a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
  const badId = UserId.parse("12; drop table users");
  assert.ok(!badId.ok && badId.error.field === "user_id");
  assert.ok(Username.parse("Ada_Lovelace").ok);
  const badName = Username.parse("ada-lovelace");
  assert.ok(!badName.ok && badName.error.field === "username");
  const email = EmailAddress.parse("Ada@Example.COM");
  assert.ok(email.ok && email.value === "ada@example.com");
  const badEmail = EmailAddress.parse("ada@");
  assert.ok(!badEmail.ok && badEmail.error.field === "email_address");
});
