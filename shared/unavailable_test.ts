import assert from "node:assert/strict";
import postgres from "postgres";
import cassandra from "cassandra-driver";
import { cassandraUnavailable } from "./cassandra.ts";
import { postgresUnavailable } from "./postgres.ts";
import { DependencyUnavailable, unavailableAs } from "./unavailable.ts";

const coded = (code: string) => Object.assign(new Error(code), { code });

Deno.test("postgres outages: refused, reset, closed connections and server-side shutdown; not a bug", () => {
  for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECT_TIMEOUT", "CONNECTION_CLOSED"]) {
    assert.ok(postgresUnavailable(coded(code)), code);
  }
  assert.equal(postgresUnavailable(new Error("bug")), false);
  assert.equal(postgresUnavailable(new TypeError("x is undefined")), false);
  const pgError = (code: string) =>
    Object.assign(Object.create(postgres.PostgresError.prototype), { code, message: code });
  assert.ok(postgresUnavailable(pgError("57P01")), "admin shutdown");
  assert.ok(postgresUnavailable(pgError("08006")), "connection failure");
  assert.equal(postgresUnavailable(pgError("23505")), false, "unique violation is no outage");
  assert.equal(postgresUnavailable(pgError("22P02")), false, "invalid input is no outage");
});

Deno.test("cassandra outages: no host, timeouts, unavailable replicas; not a bug", () => {
  const { errors, types } = cassandra;
  assert.ok(cassandraUnavailable(new errors.NoHostAvailableError({})));
  assert.ok(cassandraUnavailable(new errors.OperationTimedOutError("timed out")));
  assert.ok(
    cassandraUnavailable(
      new errors.ResponseError(types.responseErrorCodes.unavailableException, ""),
    ),
  );
  assert.equal(
    cassandraUnavailable(new errors.ResponseError(types.responseErrorCodes.syntaxError, "")),
    false,
  );
  // The driver throws DriverError itself; its type is abstract.
  class Driver extends errors.DriverError {}
  assert.ok(cassandraUnavailable(new Driver("Socket was closed")), "lost mid-request");
  assert.equal(cassandraUnavailable(new Driver("Unexpected frame")), false);
  assert.equal(cassandraUnavailable(new Error("bug")), false);
});

Deno.test("unavailableAs: outage errors of a port, and of the objects it holds, name the dependency", async () => {
  const port = unavailableAs("postgres", postgresUnavailable, {
    flag: true,
    down: () => Promise.reject(coded("ECONNREFUSED")),
    bug: () => Promise.reject(new RangeError("bug")),
    syncDown: () => {
      throw coded("EPIPE");
    },
    inner: { down: () => Promise.reject(coded("ECONNRESET")) },
    ok: (x: number) => Promise.resolve(x + 1),
  });
  assert.equal(port.flag, true);
  assert.equal(await port.ok(1), 2);
  await assert.rejects(
    port.down(),
    (e) => e instanceof DependencyUnavailable && e.dependency === "postgres",
  );
  await assert.rejects(port.bug(), RangeError);
  assert.throws(() => port.syncDown(), DependencyUnavailable);
  await assert.rejects(port.inner.down(), DependencyUnavailable);
});
