/**
 * kafkajs 2.2.4 (the newest release) keeps a 1 ms timer running on every broker connection
 * while nothing is pending: `RequestQueue.scheduleCheckPendingRequests` schedules
 * `throttledUntil - now` (negative when not throttled) and reschedules itself forever — each
 * idle chat-service instance spent several % of a core on it (bench/idle.ts), and Node-style
 * runtimes print `TimeoutNegativeWarning`. Upstream: tulios/kafkajs#1556, #1704, fix proposed in
 * #1667/#1768, unreleased. This applies that fix: with nothing pending and no throttle, no
 * timer; a pending request is still checked every 10 ms, a throttle is still waited out, and a
 * finished request checks the queue itself (`fulfillRequest`).
 *
 * It also checks for timed-out requests every tenth of the request timeout (3 s for the default
 * 30 s) rather than every 100 ms: kafkajs runs that check on every broker connection for as long
 * as it is connected, and an idle chat-service instance has twelve (about 120 wake-ups a second).
 *
 * Imported once by shared/kafka.ts; remove it when a kafkajs release carries these fixes.
 */
import RequestQueue from "kafkajs/src/network/requestQueue/index.js";

interface Queue {
  pending: unknown[];
  inflight: Map<unknown, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId: ReturnType<typeof setInterval> | undefined;
  isConnected(): boolean;
  destroy(): void;
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
/** The shortest interval between checks of in-flight requests against their timeout. */
const MIN_REQUEST_TIMEOUT_CHECK_MS = 100;

RequestQueue.prototype.scheduleCheckPendingRequests = function (this: Queue): void {
  if (this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && throttledFor <= 0) return;
  const delay = throttledFor > 0 ? throttledFor : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
};

RequestQueue.prototype.scheduleRequestTimeoutCheck = function (this: Queue): void {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = setInterval(() => {
    const now = Date.now();
    this.inflight.forEach((request) => {
      if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
    });
    if (!this.isConnected()) this.destroy();
  }, Math.max(MIN_REQUEST_TIMEOUT_CHECK_MS, this.requestTimeout / 10));
};
