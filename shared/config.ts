/**
 * The one configuration loader: every service describes its environment
 * variables as a zod shape, and startup fails fast with a message that names
 * each bad variable.
 */
import { z } from "zod";
import { createLogger } from "./logger.ts";
import { err, ok, type Result } from "./result.ts";

/** Reads one variable. Services pass `Deno.env.get`; tests pass a map. */
export type EnvSource = (name: string) => string | undefined;

export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      "Invalid configuration: " +
        issues.map((i) => `${i.variable}: ${i.message}`).join("; "),
    );
    this.name = "ConfigError";
  }
}

/** Environment variable schemas with the defaults documented in README.md. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  string: (fallback: string) => z.string().min(1).default(fallback),
  url: (fallback: string) => z.url().default(fallback),
  /** A comma-separated list such as `host1:9092,host2:9092`. */
  list: (fallback: string) =>
    z.string().default(fallback).transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean))
      .pipe(z.array(z.string()).min(1, "must list at least one entry")),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce.number().int().min(min).max(max).default(fallback),
  /** A secret has no default: running without one is a configuration error. */
  secret: (minLength: number) =>
    z.string({ error: "is required" }).min(minLength, `must be at least ${minLength} characters`),
  enumOf: <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    z.enum(values).default(fallback),
  boolean: (fallback: boolean) =>
    z.enum(["true", "false", "1", "0"]).optional().transform((v) =>
      v === undefined ? fallback : v === "true" || v === "1"
    ),
};

/** What a config shape yields once loaded. */
export type ConfigOf<S extends z.ZodRawShape> = z.infer<z.ZodObject<S>>;

/** The log level every service and the embedded mode read. */
export const logLevel = () => env.enumOf(["debug", "info", "warn", "error"] as const, "info");

/** Where a service listens for HTTP and the Postgres database it owns, with its pool size. */
export function httpAndDatabase(port: number, database: string, poolSize: number) {
  return {
    HTTP_HOST: env.string("0.0.0.0"),
    HTTP_PORT: env.port(port),
    DATABASE_URL: env.url(`postgres://chat:chat@127.0.0.1:5432/${database}`),
    DATABASE_POOL_SIZE: env.int(poolSize, 1, 100),
  };
}

/**
 * Parses the variables named by `shape` from `source`. Only the named
 * variables are read, so a service needs `--allow-env` for exactly those.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  source: EnvSource = (name) => Deno.env.get(name),
): Result<ConfigOf<S>, ConfigError> {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(shape)) {
    const value = source(name);
    raw[name] = value === "" ? undefined : value;
  }
  const parsed = z.object(shape).safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  return err(
    new ConfigError(parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? "?"),
      message: issue.message,
    }))),
  );
}

/**
 * A composition root's config, or an exit with status 2 after saying why on
 * stderr: a service must not start misconfigured.
 */
export function configOrExit<C>(loaded: Result<C, ConfigError>, service: string): C {
  if (loaded.ok) return loaded.value;
  createLogger({ service }).error(loaded.error.message);
  Deno.exit(2);
}
