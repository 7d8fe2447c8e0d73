/**
 * cassandra-driver 4.10.0 (the newest release) keeps a 200 ms interval per host for as long as
 * the client is connected: `Host.setDistance` arms it to move the pool's response count into
 * `_healthResponseCounter` — the responses of the last whole 200 ms, which the load-balancing
 * policies read (a host with 10 requests in flight and at most one response over the last
 * 200–400 ms is unhealthy). It was the most frequent wake-up of an idle instance: five a second
 * (docs/scaling.md "What an idle instance does").
 *
 * This keeps the same count without the timer: the intervals are rolled forward when the count
 * is touched (a response counted, or the count read), not on a clock. An interval in which
 * nothing touched the count had no response, so its count is 0, as the timer would have left it.
 *
 * Imported once by shared/cassandra.ts; remove it when the driver stops polling.
 */
import hostModule from "cassandra-driver/lib/host.js";
import HostConnectionPool from "cassandra-driver/lib/host-connection-pool.js";

/** The driver's own interval (`healthResponseCountInterval` in lib/host.js). */
export const HEALTH_INTERVAL_MS = 200;

interface Counts {
  /** Responses in the interval that ended at `startedAt`. */
  last: number;
  /** Responses since `startedAt`. */
  current: number;
  startedAt: number;
}

interface Pool {
  responseCounter: number;
}

interface HostLike {
  pool: Pool;
  _healthResponseCountTimer: ReturnType<typeof setInterval> | null;
  getResponseCount(): number;
  setDistance(distance: number): number;
}

const counts = new WeakMap<Pool, Counts>();

/** The pool's counts, with every interval that has ended since they were last touched rolled. */
function rolled(pool: Pool): Counts {
  const now = performance.now();
  let c = counts.get(pool);
  if (c === undefined) {
    counts.set(pool, c = { last: 0, current: 0, startedAt: now });
    return c;
  }
  const ended = Math.floor((now - c.startedAt) / HEALTH_INTERVAL_MS);
  if (ended > 0) {
    // One interval ended: its responses are the current count. More: the last whole one was
    // untouched, so no response came in it.
    c.last = ended === 1 ? c.current : 0;
    c.current = 0;
    c.startedAt += ended * HEALTH_INTERVAL_MS;
  }
  return c;
}

// `this.responseCounter++` on each response and `= 0` in the constructor and on reset go through
// this accessor, so the pool needs no own field.
Object.defineProperty(HostConnectionPool.prototype, "responseCounter", {
  configurable: true,
  get(this: Pool): number {
    return rolled(this).current;
  },
  set(this: Pool, value: number) {
    rolled(this).current = value;
  },
});

const HostPrototype = (hostModule as { Host: { prototype: HostLike } }).Host.prototype;
const setDistance = HostPrototype.setDistance;

HostPrototype.setDistance = function (this: HostLike, distance: number): number {
  const result = setDistance.call(this, distance);
  // The driver has just (re)armed its interval; the counts above replace it.
  if (this._healthResponseCountTimer !== null) clearInterval(this._healthResponseCountTimer);
  this._healthResponseCountTimer = null;
  return result;
};

HostPrototype.getResponseCount = function (this: HostLike): number {
  const c = rolled(this.pool);
  return c.last + c.current;
};
