/**
 * One structured logger: a JSON object per line with time, level, service,
 * message and fields. Errors in fields are expanded so stacks are not lost.
 */
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
      for (const [key, value] of Object.entries({ ...base, ...fields })) {
        line[key] = value instanceof Error ? describeError(value) : value;
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

function describeError(error: Error): Record<string, unknown> {
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause === undefined ? {} : { cause: String(error.cause) }),
  };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => typeof v === "bigint" ? v.toString() : v);
  } catch {
    return JSON.stringify({ level: "error", message: "unserialisable log line" });
  }
}
