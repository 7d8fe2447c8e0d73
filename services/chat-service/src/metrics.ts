/**
 * chat-service's own metrics (docs/metrics.md): the WebSocket traffic the gateway counts in plain
 * fields, the user lookup breaker and the outbox relay, all read when Prometheus scrapes.
 */
import {
  createMetricsRegistry,
  Gauge,
  observedCounter,
  observedGauge,
  type Registry,
} from "@chat-ts/shared/metrics";
import { outboxMetrics, type OutboxRelay } from "@chat-ts/shared/outbox";
import type { WebSocketGateway } from "./inbound/websocket/gateway.ts";
import type { BreakerState } from "./outbound/cache/user_lookup_chain.ts";

const BREAKER_STATES: readonly BreakerState[] = ["closed", "open", "half_open", "isolated"];

export function chatMetrics(
  sources: {
    readonly gateway: WebSocketGateway;
    readonly breakerState: () => BreakerState;
    readonly outbox?: OutboxRelay;
  },
): Registry {
  const registry = createMetricsRegistry("chat-service");
  const { gateway } = sources;
  const traffic = gateway.traffic;
  observedGauge(
    registry,
    "websocket_connections",
    "Open WebSocket connections on this instance",
    () => gateway.connectionCount,
  );
  const counters: readonly [name: string, help: string, read: () => number][] = [
    ["websocket_connections_opened_total", "WebSocket connections accepted", () => traffic.opened],
    ["websocket_frames_received_total", "Frames received from clients", () => traffic.framesIn],
    [
      "websocket_frames_sent_total",
      "Frames written to clients, of every kind",
      () => traffic.framesOut,
    ],
    [
      "websocket_deliveries_total",
      "Live channel frames (messages, edits, reactions, …) written to a subscriber",
      () => traffic.deliveries,
    ],
    [
      "websocket_slow_clients_dropped_total",
      "Connections closed 1013 because the client fell too far behind",
      () => traffic.slowClientsDropped,
    ],
  ];
  for (const [name, help, read] of counters) observedCounter(registry, name, help, read);
  observedGauge(
    registry,
    "websocket_subscribed_channels",
    "Channels with at least one subscriber on this instance",
    () => gateway.hub.channelCount,
  );
  new Gauge({
    name: "user_lookup_breaker_state",
    help: "The user-service lookup breaker: 1 for the state it is in, 0 for the others",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const current = sources.breakerState();
      for (const state of BREAKER_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  if (sources.outbox !== undefined) outboxMetrics(registry, sources.outbox);
  return registry;
}
