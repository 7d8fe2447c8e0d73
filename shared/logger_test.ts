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
