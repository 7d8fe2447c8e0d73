/**
 * One structured logger: a JSON object per line with time, level, service,
 * message and fields. Errors in fields are expanded compactly: name, message
 * and the first few stack frames (a line stays well under 1 KB, so a flood of
 * failing requests cannot flood the log). Secrets never reach a line: fields
 * named like one (`token`, `password`, `authorization`, …) are replaced, and
 * strings that look like a JWT or a URL with a password are masked.
 */
import { currentRequestId } from "./request_context.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  readonly service: string;
  readonly level?: LogLevel;
  /** Where lines go; stdout by default. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

const stdout = (line: string) => {
  // deno-lint-ignore no-console -- the logger is the one place that prints
  console.log(line);
};

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? stdout;
  const now = options.now ?? (() => new Date());
  const threshold = severity[options.level ?? "info"];

  const make = (base: LogFields): Logger => {
    const log = (level: LogLevel) => (message: string, fields?: LogFields) => {
      if (severity[level] < threshold) return;
      const line: Record<string, unknown> = {
        time: now().toISOString(),
        level,
        service: options.service,
        message,
      };
      // The request this line is written for (shared/request_context.ts), on every line of it.
      const requestId = currentRequestId();
      if (requestId !== undefined) line.request_id = requestId;
      for (const [key, value] of Object.entries({ ...base, ...fields })) {
        line[key] = SECRET_FIELD.test(key)
          ? REDACTED
          : value instanceof Error
          ? describeError(value)
          : redact(value);
      }
      write(safeStringify(line));
    };
    return {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}

/** A logger that drops everything; for tests that do not look at logs. */
export const silentLogger: Logger = createLogger({ service: "silent", write: () => {} });

/** Stack frames kept per error: where it happened, not the whole framework below it. */
const STACK_FRAMES = 4;
const MAX_MESSAGE = 300;
const REDACTED = "[redacted]";
const SECRET_FIELD = /token|password|passwd|secret|authorization|cookie|hash|database_url/i;
/** A JWT (three base64url parts, the first a JSON header), or `scheme://user:password@`. */
const JWT_TEXT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:\/@\s]*:)[^@\s]*@/gi;
const BEARER_TEXT = /Bearer\s+[A-Za-z0-9_\-.=~+/]+/g;

function redactText(text: string): string {
  return text.replace(JWT_TEXT, REDACTED).replace(URL_PASSWORD, `$1${REDACTED}@`).replace(
    BEARER_TEXT,
    `Bearer ${REDACTED}`,
  );
}

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  if (value instanceof Error) return describeError(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

function describeError(error: Error): Record<string, unknown> {
  const frames = (error.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at "));
  const message = redactText(error.message).slice(0, MAX_MESSAGE);
  return {
    name: error.name,
    message,
    stack: [`${error.name}: ${message}`, ...frames.slice(0, STACK_FRAMES)].join("\n"),
    ...(error.cause === undefined
      ? {}
      : { cause: redactText(String(error.cause)).slice(0, MAX_MESSAGE) }),
  };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => typeof v === "bigint" ? v.toString() : v);
  } catch {
    return JSON.stringify({ level: "error", message: "unserialisable log line" });
  }
}
