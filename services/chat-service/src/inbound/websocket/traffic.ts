/**
 * This instance's WebSocket traffic as plain counters: the delivery path bumps a field (no
 * label lookup, no allocation); the metrics read them when Prometheus scrapes (`src/metrics.ts`).
 */
export class SocketTraffic {
  /** Sockets accepted since start. */
  opened = 0;
  /** Client frames received (before any limit or parsing). */
  framesIn = 0;
  /** Server frames written to sockets, of every kind. */
  framesOut = 0;
  /** Live channel frames (messages, edits, reactions, …) written to a subscriber: the fan-out. */
  deliveries = 0;
  /** Sockets closed 1013 because their client fell too far behind. */
  slowClientsDropped = 0;
}
