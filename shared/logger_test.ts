import assert from "node:assert/strict";
import { createLogger } from "./logger.ts";

function capture(level?: "debug" | "info" | "warn" | "error") {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: "test-service",
    level,
    write: (line) => lines.push(JSON.parse(line)),
    now: () => new Date("2026-01-01T00:00:00.000Z"),
  });
  return { logger, lines };
}

Deno.test("logger: writes one JSON object per line with time, level, service, message and fields", () => {
  const { logger, lines } = capture();
  logger.info("user registered", { user_id: "u1", count: 2 });
  assert.deepEqual(lines, [{
    time: "2026-01-01T00:00:00.000Z",
    level: "info",
    service: "test-service",
    message: "user registered",
    user_id: "u1",
    count: 2,
  }]);
});

Deno.test("logger: drops lines below the configured level", () => {
  const { logger, lines } = capture("warn");
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  assert.deepEqual(lines.map((l) => l.level), ["warn", "error"]);
});

Deno.test("logger: child loggers add their fields to every line", () => {
  const { logger, lines } = capture();
  logger.child({ component: "outbox" }).child({ batch: 3 }).info("published");
  assert.equal(lines[0].component, "outbox");
  assert.equal(lines[0].batch, 3);
});

Deno.test("logger: errors are expanded with name, message and stack; bigints are strings", () => {
  const { logger, lines } = capture();
  logger.error("failed", { error: new TypeError("boom"), offset: 10n });
  const error = lines[0].error as Record<string, unknown>;
  assert.equal(error.name, "TypeError");
  assert.equal(error.message, "boom");
  assert.match(String(error.stack), /boom/);
  assert.equal(lines[0].offset, "10");
});

Deno.test("logger: secrets never reach a line, by field name or by their look", () => {
  const { logger, lines } = capture();
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXBhcnQ";
  logger.info("request", {
    token: "opaque-refresh-secret",
    password: "hunter22",
    refresh_token: "r",
    nested: { authorization: "Bearer abc", note: `got ${jwt}` },
    url: "postgres://chat:s3cret@db:5432/chat",
    header: "Bearer abc.def",
  });
  const text = JSON.stringify(lines[0]);
  for (const secret of ["opaque-refresh-secret", "hunter22", jwt, "s3cret", "abc.def"]) {
    assert.ok(!text.includes(secret), `line holds ${secret}: ${text}`);
  }
  assert.match(String(lines[0].url), /^postgres:\/\/chat:\[redacted\]@db:5432\/chat$/);
});

Deno.test("logger: an error is logged compactly — a few frames, a bounded message", () => {
  const { logger, lines } = capture();
  const deep = (n: number): never => {
    if (n === 0) throw new Error("x".repeat(5000));
    return deep(n - 1);
  };
  try {
    deep(40);
  } catch (error) {
    logger.error("failed", { error });
  }
  assert.ok(JSON.stringify(lines[0]).length < 1500, `line is ${JSON.stringify(lines[0]).length}`);
});

Deno.test("logger: every line written for a request names it (request_context), even after an await", async () => {
  const { withRequestId } = await import("./request_context.ts");
  const { logger, lines } = capture();
  await withRequestId("req-1", async () => {
    logger.info("first");
    await new Promise((r) => setTimeout(r, 1));
    logger.child({ component: "x" }).warn("second");
  });
  logger.info("outside");
  assert.deepEqual(lines.map((l) => l.request_id), ["req-1", "req-1", undefined]);
});
