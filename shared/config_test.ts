import assert from "node:assert/strict";
import { env, loadConfig } from "./config.ts";

const shape = {
  PORT: env.port(3001),
  DATABASE_URL: env.url("postgres://chat:chat@127.0.0.1:5432/users"),
  KAFKA_BROKERS: env.list("127.0.0.1:9092"),
  JWT_SECRET: env.secret(32),
  LOG_LEVEL: env.enumOf(["debug", "info", "warn", "error"] as const, "info"),
  OUTBOX_BATCH: env.int(100, 1, 1000),
  EMBEDDED: env.boolean(false),
};
const secret = "x".repeat(32);
const from = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("config: applies documented defaults when variables are unset", () => {
  const result = loadConfig(shape, from({ JWT_SECRET: secret }));
  assert.ok(result.ok);
  assert.deepEqual(result.value, {
    PORT: 3001,
    DATABASE_URL: "postgres://chat:chat@127.0.0.1:5432/users",
    KAFKA_BROKERS: ["127.0.0.1:9092"],
    JWT_SECRET: secret,
    LOG_LEVEL: "info",
    OUTBOX_BATCH: 100,
    EMBEDDED: false,
  });
});

Deno.test("config: parses given values, lists and booleans", () => {
  const result = loadConfig(
    shape,
    from({
      PORT: "8080",
      KAFKA_BROKERS: "a:1, b:2,",
      JWT_SECRET: secret,
      LOG_LEVEL: "debug",
      EMBEDDED: "1",
    }),
  );
  assert.ok(result.ok);
  assert.equal(result.value.PORT, 8080);
  assert.deepEqual(result.value.KAFKA_BROKERS, ["a:1", "b:2"]);
  assert.equal(result.value.LOG_LEVEL, "debug");
  assert.equal(result.value.EMBEDDED, true);
});

Deno.test("config: an empty variable counts as unset", () => {
  const result = loadConfig(shape, from({ PORT: "", JWT_SECRET: secret }));
  assert.ok(result.ok);
  assert.equal(result.value.PORT, 3001);
});

const cases: [string, Record<string, string>, string, RegExp][] = [
  ["a missing secret", { JWT_SECRET: "" }, "JWT_SECRET", /required/],
  ["a short secret", { JWT_SECRET: "short" }, "JWT_SECRET", /at least 32/],
  ["a port that is not a number", { PORT: "http" }, "PORT", /number/i],
  ["a port out of range", { PORT: "70000" }, "PORT", /65535/],
  ["a malformed URL", { DATABASE_URL: "not a url" }, "DATABASE_URL", /url/i],
  ["an empty broker list", { KAFKA_BROKERS: " , " }, "KAFKA_BROKERS", /at least one/],
  ["an unknown enum value", { LOG_LEVEL: "loud" }, "LOG_LEVEL", /debug/],
  ["an integer below its minimum", { OUTBOX_BATCH: "0" }, "OUTBOX_BATCH", /1/],
  ["a boolean that is not one", { EMBEDDED: "yes" }, "EMBEDDED", /true/],
];
for (const [label, vars, variable, message] of cases) {
  Deno.test(`config: ${label} fails naming ${variable}`, () => {
    const result = loadConfig(shape, from({ JWT_SECRET: secret, ...vars }));
    assert.ok(!result.ok);
    const issue = result.error.issues.find((i) => i.variable === variable);
    assert.ok(issue, `no issue for ${variable}: ${result.error.message}`);
    assert.match(issue.message, message);
    assert.match(result.error.message, new RegExp(variable));
  });
}

Deno.test("config: reports every bad variable at once", () => {
  const result = loadConfig(shape, from({ PORT: "x", LOG_LEVEL: "loud" }));
  assert.ok(!result.ok);
  assert.deepEqual(result.error.issues.map((i) => i.variable).sort(), [
    "JWT_SECRET",
    "LOG_LEVEL",
    "PORT",
  ]);
});
