/**
 * presence-service assembled from its ports: the domain service, the report reader, the sweeper
 * (expiries, graces, idleness), the debounced last-seen writer, readiness and the HTTP app. The
 * real deployment (main.ts) and the embedded mode (embedded.ts) call this with different
 * adapters, so both run the same service.
 */
import {
  consume,
  type EventSource,
  PRESENCE_REPORTS_TOPIC,
  type RecordSink,
  type RunningSubscription,
} from "@chat-ts/shared/events";
import type { Readiness } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import { createMetricsRegistry } from "@chat-ts/shared/metrics";
import type { PresenceCoreConfig } from "./config.ts";
import type { LastSeenRepository, PresenceStore } from "./domain/presence/ports.ts";
import { PresenceService } from "./domain/presence/service.ts";
import { createPresenceApp } from "./inbound/http/app.ts";
import { DebouncedLastSeen } from "./outbound/debounced_last_seen.ts";
import { decodePresenceReport } from "./outbound/envelopes/presence_envelope.ts";
import { PresenceChangePublisher } from "./outbound/presence_publisher.ts";

export interface DependencyCheck {
  readonly ok: boolean;
  readonly report: unknown;
}

export interface PresencePorts {
  readonly store: PresenceStore;
  readonly lastSeen: LastSeenRepository;
  /** Where `presence.changes` records go. */
  readonly sink: RecordSink;
  /** Where `presence.reports` are read. */
  readonly eventSource: EventSource;
  readonly dependencies: Readonly<Record<string, () => Promise<DependencyCheck>>>;
}

export function assemblePresenceService(
  ports: PresencePorts,
  config: PresenceCoreConfig & { readonly group: string },
  logger: Logger,
) {
  const lastSeen = new DebouncedLastSeen(ports.lastSeen, {
    flushMs: config.PRESENCE_LAST_SEEN_FLUSH_MS,
    logger,
  });
  const presence = new PresenceService({
    store: ports.store,
    lastSeen,
    events: new PresenceChangePublisher(ports.sink),
    timings: {
      ttlMs: config.PRESENCE_TTL_SECONDS * 1000,
      graceMs: config.PRESENCE_GRACE_SECONDS * 1000,
      awayAfterMs: config.PRESENCE_AWAY_AFTER_SECONDS * 1000,
    },
    clock: { now: () => new Date() },
    newEventId: () => crypto.randomUUID(),
  });

  let reader: RunningSubscription | undefined;
  // This instance's registry (main.ts adds the drivers' metrics to it).
  const metrics = createMetricsRegistry("presence-service");
  let sweeper: ReturnType<typeof setInterval> | undefined;
  let sweeping = false;
  let sweepFailing = false;

  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      // A backlog (many expiries at once) is worked through without waiting for the next tick.
      while ((await presence.sweep(500)) === 500);
      if (sweepFailing) logger.info("presence sweep recovered");
      sweepFailing = false;
    } catch (error) {
      if (!sweepFailing) logger.warn("presence sweep failed; retrying", { error });
      sweepFailing = true;
    } finally {
      sweeping = false;
    }
  };

  const start = async (): Promise<void> => {
    lastSeen.start();
    // One group per deployment: each report is applied once. A failure (Redis away) is retried,
    // so no connection is lost while the store is unavailable.
    reader = await ports.eventSource.subscribe({
      group: config.group,
      owner: "deployment",
      topics: [PRESENCE_REPORTS_TOPIC],
      fromBeginning: false,
      handle: consume(decodePresenceReport, (report) => presence.report(report), {
        logger,
        onFailure: "retry",
      }),
      // A report waits on Redis and on the change's produce: one partition at a time capped the
      // service near 100 reports/s (bench/presence.ts). Partitions are keyed by user, so each
      // user's reports still apply in order.
      fetch: { minBytes: 1, maxWaitMs: 5000, partitionsConsumedConcurrently: 4 },
    });
    sweeper = setInterval(() => void sweep(), config.PRESENCE_SWEEP_INTERVAL_MS);
  };

  const stop = async (): Promise<void> => {
    clearInterval(sweeper);
    await reader?.stop().catch((error) => logger.warn("report reader stop failed", { error }));
    await lastSeen.stop().catch((error) => logger.warn("last seen flush failed", { error }));
  };

  const readiness = async (): Promise<Readiness> => {
    const names = Object.keys(ports.dependencies);
    const checks = await Promise.all(
      names.map((name) =>
        ports.dependencies[name]().catch((): DependencyCheck => ({
          ok: false,
          report: "unavailable",
        }))
      ),
    );
    return {
      ready: checks.every((c) => c.ok),
      checks: Object.fromEntries(names.map((name, i) => [name, checks[i].report])),
    };
  };

  return {
    presence,
    start,
    stop,
    readiness,
    sweep,
    metrics,
    /** The report reader, once started (Kafka lag metrics). */
    readers: (): readonly RunningSubscription[] => reader === undefined ? [] : [reader],
    createApp: (deps: { tokens: TokenCodec }) =>
      createPresenceApp({ presence, logger, readiness, metrics, ...deps }),
  };
}

export type PresenceServiceInstance = ReturnType<typeof assemblePresenceService>;
