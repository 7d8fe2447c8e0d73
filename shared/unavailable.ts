/**
 * Outages as one error (docs/faults.md): each driver's module says which of
 * its errors mean "the dependency is unreachable or overloaded" (Postgres:
 * `postgresUnavailable`, Cassandra: `cassandraUnavailable`), and
 * `unavailableAs` turns exactly those, thrown by an adapter, into a
 * `DependencyUnavailable` naming the dependency. The HTTP and WebSocket edges
 * answer that with 503 `unavailable` (+ `Retry-After`) or an `unavailable`
 * frame; every other error stays a bug (500 `internal`). Driver-free, so the
 * embedded mode imports it too.
 */

export class DependencyUnavailable extends Error {
  override readonly name = "DependencyUnavailable";

  constructor(readonly dependency: string, options?: { cause?: unknown }) {
    super(`${dependency} is unavailable`, options);
  }
}

/** The seconds a client is told to wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 2;

/** Whether an error of one driver means its server is out of reach (not a bug). */
export type OutageTest = (error: unknown) => boolean;

/** `error` as a `DependencyUnavailable` when `isOutage` says so; otherwise `error` itself. */
export function asUnavailable(dependency: string, isOutage: OutageTest, error: unknown): unknown {
  if (error instanceof DependencyUnavailable || !isOutage(error)) return error;
  return new DependencyUnavailable(dependency, { cause: error });
}

/**
 * `port` with every method's outage errors (sync throws and rejections) as
 * `DependencyUnavailable(dependency)`, also on the objects its properties
 * hold (e.g. a store's repository). Other properties pass through.
 */
export function unavailableAs<T extends object>(
  dependency: string,
  isOutage: OutageTest,
  port: T,
): T {
  const nested = new WeakMap<object, object>();
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value === "object" && value !== null) {
        let wrapped = nested.get(value);
        if (wrapped === undefined) {
          wrapped = unavailableAs(dependency, isOutage, value);
          nested.set(value, wrapped);
        }
        return wrapped;
      }
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise
            ? result.catch((error) => {
              throw asUnavailable(dependency, isOutage, error);
            })
            : result;
        } catch (error) {
          throw asUnavailable(dependency, isOutage, error);
        }
      };
    },
  });
}

/** Node-style socket error codes of a server that is down or unreachable. */
export const SOCKET_OUTAGE_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** The `code` property of an error object, if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
