/**
 * chat-service assembled from its ports: the domain services, the user
 * lookup chain and its cache, the WebSocket gateway, the event readers, the
 * readiness report and the HTTP app. The real deployment (main.ts) and the
 * embedded mode (embedded_ports.ts) call this with different adapters, so
 * both run the same service.
 */
import {
  CHAT_MESSAGE_TOPICS,
  CHAT_RECIPIENTS_HEADER,
  CHAT_TYPING_TOPIC,
  consume,
  type ConsumeOptions,
  type Decode,
  type EventSource,
  PRESENCE_CHANGES_TOPIC,
  recordHeader,
  type RecordSink,
  type RunningSubscription,
  type Subscription,
  USER_EVENTS_TOPIC,
} from "@chat-ts/shared/events";
import type { Readiness } from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import { refusingRevoked } from "@chat-ts/shared/jwt";
import { KeyedLimit, type LimitStore, memoryLimits } from "@chat-ts/shared/limits";
import type { Logger } from "@chat-ts/shared/logger";
import type { OutboxRelay } from "@chat-ts/shared/outbox";
import type { ChatCoreConfig } from "./config.ts";
import type { ChannelEventPublisher, ChannelRepository } from "./domain/channel/ports.ts";
import { ChannelService } from "./domain/channel/service.ts";
import type { ChannelId, UserId } from "./domain/ids.ts";
import { ChannelName } from "./domain/channel/models.ts";
import type {
  MessageEventPublisher,
  MessageIdGenerator,
  MessageStore,
} from "./domain/message/ports.ts";
import { MessageService } from "./domain/message/service.ts";
import type { UserChange } from "./domain/user/models.ts";
import type { RemoteUsers, UserReplica } from "./domain/user/ports.ts";
import { UserReplicaService } from "./domain/user/service.ts";
import { createChatApp } from "./inbound/http/app.ts";
import { WebSocketGateway } from "./inbound/websocket/gateway.ts";
import { CachedChannelRepository } from "./outbound/cache/cached_channel_repository.ts";
import { CachedUserDirectory } from "./outbound/cache/cached_user_directory.ts";
import { UserLookupChain } from "./outbound/cache/user_lookup_chain.ts";
import { decodeChatEvent } from "./outbound/envelopes/chat_envelope.ts";
import {
  decodeUserRecord,
  sessionEndOf,
  type UserRecord,
} from "./outbound/envelopes/user_envelope.ts";
import { Revocations, type SessionEndStore } from "./domain/user/revocations.ts";
import { MemorySessionEndStore } from "./outbound/memory/session_end_store.ts";
import { MemoryReadMarkers } from "./outbound/memory/read_markers.ts";
import type { ReadMarkers } from "./domain/read/ports.ts";
import { type ReadEventPublisher, ReadService } from "./domain/read/service.ts";
import {
  decodePresenceChange,
  decodeTypingNotice,
} from "./outbound/envelopes/presence_envelope.ts";
import { SinkPresenceReports } from "./outbound/presence_reports.ts";
import { LivePresence } from "./inbound/websocket/presence.ts";
import { chatMetrics } from "./metrics.ts";

/** One dependency's state for `/health/ready`: reported as is; not ok makes the service unready. */
export interface DependencyCheck {
  readonly ok: boolean;
  readonly report: unknown;
}

export interface ChatPorts {
  readonly channels: ChannelRepository;
  readonly messages: MessageStore;
  readonly messageIds: MessageIdGenerator;
  /** Where events are recorded: the outbox in both modes (a direct publisher in some tests). */
  readonly events: MessageEventPublisher & ChannelEventPublisher & ReadEventPublisher;
  /** Relays the outbox `events` writes to; started once the readers have joined. */
  readonly outbox?: OutboxRelay;
  readonly replica: UserReplica;
  /** Read markers and the message index of unread counts; in memory when not given. */
  readonly reads?: ReadMarkers;
  /** Where ended sessions outlive a restart; in memory when not given. */
  readonly sessionEnds?: SessionEndStore;
  /** Where a replica miss is answered: user-service over gRPC, or in process. */
  readonly remoteUsers: RemoteUsers;
  /** Where events are read: Kafka consumer groups, or the in-process bus. */
  readonly eventSource: EventSource;
  /** Where connection reports and typing notices go (Kafka, or the bus); absent: no presence. */
  readonly presenceSink?: RecordSink;
  /** Where per-user limits count: Redis across instances, or in memory (the default). */
  readonly limits?: LimitStore;
  /** By name (`postgres`, `kafka`, …); given the running readers, for their lag. */
  readonly dependencies: Readonly<
    Record<string, (readers: readonly RunningSubscription[]) => Promise<DependencyCheck>>
  >;
}

/** Longest one readiness check may take: `/health/ready` answers within the request deadline. */
const READINESS_CHECK_MS = 2000;

class CheckTimedOut extends Error {}

function withDeadline<T>(check: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    check,
    new Promise<never>((_, reject) => timer = setTimeout(() => reject(new CheckTimedOut()), ms)),
  ]).finally(() => clearTimeout(timer));
}

export interface ChatInstance {
  /** Names this instance's own consumer groups. */
  readonly instanceId: string;
  /** The group that maintains the replica: one per deployment. */
  readonly replicaGroup: string;
  /** Longest a fan-out fetch waits for more records (Kafka only). */
  readonly fetchWaitMs: number;
  /** What a fan-out fetch waits for, at most `fetchWaitMs` (the bus ignores both). */
  readonly fetchMinBytes?: number;
}

/**
 * An instance's share of the per-user socket counts in Redis lives this long past its last
 * heartbeat (every third of it): a crashed instance's sockets stop counting within this time.
 */
const CONNECTION_SLOT_TTL_SECONDS = 30;

/** How often ended sessions are read back from the store (see `loadSessionEnds`). */
const SESSION_END_RELOAD_MS = 10_000;

export function assembleChatService(
  ports: ChatPorts,
  config: ChatCoreConfig & ChatInstance,
  logger: Logger,
) {
  // cache → replica → user-service (retries, breaker) → degraded
  const lookupChain = new UserLookupChain({
    replica: ports.replica,
    remote: ports.remoteUsers,
    logger,
    retries: config.USER_LOOKUP_RETRIES,
    breakerThreshold: config.USER_BREAKER_THRESHOLD,
    breakerCooldownMs: config.USER_BREAKER_COOLDOWN_SECONDS * 1000,
  });
  const users = new CachedUserDirectory(lookupChain, {
    maxEntries: config.USER_CACHE_SIZE,
    ttlMs: config.USER_CACHE_TTL_SECONDS * 1000,
    notFoundTtlMs: 5000,
  });
  const clock = { now: () => new Date() };
  const newEventId = () => crypto.randomUUID();
  const channelRepository = new CachedChannelRepository(ports.channels);
  // Per-user limits, counted where they must hold: the deployment's Redis, or this process.
  const limits = ports.limits ?? memoryLimits();
  const perUser = (limit: KeyedLimit) => ({ take: (userId: string) => limit.take(userId) });
  const creationLimit = perUser(
    new KeyedLimit(config.CHANNELS_PER_USER_PER_HOUR, 3600, limits, "channels:created"),
  );
  const sendLimit = perUser(
    new KeyedLimit(
      config.MESSAGES_PER_USER_PER_WINDOW,
      config.MESSAGE_WINDOW_SECONDS,
      limits,
      "messages:sent",
    ),
  );
  const slots = limits.connectionSlots({
    max: config.WS_MAX_CONNECTIONS_PER_USER,
    instanceId: config.instanceId,
    ttlSeconds: CONNECTION_SLOT_TTL_SECONDS,
  });
  const channels = new ChannelService({
    channels: channelRepository,
    users,
    events: ports.events,
    clock,
    // Generated here, so a UUID by construction.
    ids: { newChannelId: () => crypto.randomUUID() as ChannelId, newEventId },
    creationLimit,
  });
  const readMarkers = ports.reads ?? new MemoryReadMarkers();
  const messages = new MessageService({
    channels,
    messages: ports.messages,
    events: ports.events,
    users,
    names: ports.replica,
    ids: { next: (at) => ports.messageIds.next(at), newEventId },
    clock,
    logger,
    sendLimit,
    reads: readMarkers,
  });
  const reads = new ReadService({
    channels,
    reads: readMarkers,
    events: ports.events,
    clock,
    newEventId,
  });
  const presenceSink = ports.presenceSink;
  const presenceReports = presenceSink === undefined
    ? undefined
    : new SinkPresenceReports(presenceSink, config.instanceId, logger);
  const gateway = new WebSocketGateway({
    channels,
    messages,
    slots,
    reads,
    logger,
    ...(presenceReports === undefined ? {} : {
      presence: (hub) =>
        new LivePresence({
          hub,
          channels,
          memberships: channelRepository,
          reports: presenceReports,
          typing: presenceReports,
          logger,
          heartbeatMs: config.PRESENCE_HEARTBEAT_SECONDS * 1000,
        }),
    }),
    limits: {
      maxFrameBytes: config.WS_MAX_FRAME_BYTES,
      framesPerSecond: config.WS_FRAMES_PER_SECOND,
      frameBurst: config.WS_FRAME_BURST,
      maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
      slowClientGraceMs: config.WS_SLOW_CLIENT_GRACE_MS,
      replayCap: config.WS_REPLAY_CAP,
      dedupeWindow: config.WS_DEDUPE_WINDOW,
      idleTimeoutSeconds: config.WS_IDLE_TIMEOUT_SECONDS,
      maxConnectionsPerUser: config.WS_MAX_CONNECTIONS_PER_USER,
    },
  });
  // A new user joins the default channel (once: the replica reader is one group per deployment).
  const defaultChannel = config.DEFAULT_CHANNEL === ""
    ? undefined
    : ChannelName.parse(config.DEFAULT_CHANNEL);
  const replicaService = new UserReplicaService({
    replica: ports.replica,
    channels: channelRepository,
    messages: ports.messages,
    logger,
    ...(defaultChannel === undefined || !defaultChannel.ok ? {} : {
      onUserCreated: (userId: UserId) => channels.joinDefault(userId, defaultChannel.value),
    }),
  });

  // Ended sessions and deleted users: this instance refuses their tokens and closes their sockets.
  const revocations = new Revocations({ tokenTtlMs: config.JWT_TTL_SECONDS * 1000 });
  const sessionEnds = ports.sessionEnds ?? new MemorySessionEndStore();
  const endSessions = (record: UserRecord): void => {
    const end = sessionEndOf(record);
    if (end === undefined) return;
    revocations.learn(end);
    const closed = gateway.endSessions(end);
    logger.info("session ended", {
      user_id: end.userId,
      ...(end.sessionId === undefined ? { scope: "all" } : { session_id: end.sessionId }),
      sockets_closed: closed,
    });
  };
  /** What survived a restart or happened while this instance was away, still in force. */
  const loadSessionEnds = async (): Promise<void> => {
    const since = new Date(Date.now() - config.JWT_TTL_SECONDS * 1000);
    for (const end of await sessionEnds.since(since)) {
      revocations.learn(end);
      gateway.endSessions(end);
    }
    revocations.prune();
  };
  let reloadTimer: ReturnType<typeof setInterval> | undefined;

  /** Keeps this instance's caches current; every instance sees every change. */
  const refreshCaches = (record: UserRecord): void => {
    endSessions(record);
    if (record.type === "session_ended") return;
    const change: UserChange = record;
    if (change.type === "upserted") {
      users.learn(change.userId, { status: "found", username: change.username });
    } else {
      users.learn(change.userId, { status: "not_found" });
      channelRepository.forgetCreatedBy(change.userId);
    }
  };

  let readers: RunningSubscription[] = [];
  // This instance's registry (main.ts adds the drivers' metrics to it).
  const metrics = chatMetrics({
    gateway,
    breakerState: () => lookupChain.breakerState,
    ...(ports.outbox === undefined ? {} : { outbox: ports.outbox }),
  });

  /** Starts reading events; resolves once every reader has joined. */
  const start = async (): Promise<void> => {
    const source = ports.eventSource;
    readers = await Promise.all([
      // Fan-out: every shard, skipping what no local socket waits for.
      liveReader(
        "fanout",
        CHAT_MESSAGE_TOPICS,
        decodeChatEvent,
        (event) => gateway.deliver(event),
        {
          wanted: (record) =>
            gateway.wants(record.key, recordHeader(record, CHAT_RECIPIENTS_HEADER)),
          fetch: {
            minBytes: config.fetchMinBytes ?? 1,
            maxWaitMs: config.fetchWaitMs,
            partitionsConsumedConcurrently: 4,
          },
        },
      ),
      // One group per deployment applies each user event once to the shared replica; a failure
      // is retried rather than skipping a user change…
      source.subscribe({
        group: config.replicaGroup,
        owner: "deployment",
        topics: [USER_EVENTS_TOPIC],
        fromBeginning: true,
        handle: consume(
          decodeUserRecord,
          (record) =>
            record.type === "session_ended"
              ? sessionEnds.record(record)
              : replicaService.apply(record),
          { logger, onFailure: "retry" },
        ),
      }),
      // …and one group per instance keeps this instance's caches current.
      source.subscribe({
        group: `chat-service-user-cache-${config.instanceId}`,
        owner: "instance",
        topics: [USER_EVENTS_TOPIC],
        fromBeginning: false,
        handle: consume(decodeUserRecord, refreshCaches, { logger, onFailure: "retry" }),
      }),
      ...presenceReaders(),
    ]);
    // Joined first, then loaded: an end published meanwhile arrives live. The reload covers
    // ends the replica reader had not written yet when this instance loaded.
    await loadSessionEnds().catch((error) =>
      logger.warn("could not load ended sessions; retrying", { error })
    );
    reloadTimer = setInterval(() => {
      loadSessionEnds().catch((error) => logger.warn("could not load ended sessions", { error }));
    }, SESSION_END_RELOAD_MS);
    ports.outbox?.start();
    gateway.presence?.start();
  };

  /**
   * A reader for this instance's sockets: a group of its own reads every record from now on; a
   * failed delivery is logged and dropped (live delivery is best effort, clients catch up).
   */
  const liveReader = <T>(
    reader: string,
    topics: readonly string[],
    decode: Decode<T>,
    deliver: (value: T) => Promise<void> | void,
    tuning: Pick<ConsumeOptions, "wanted"> & Pick<Subscription, "fetch"> = {},
  ): Promise<RunningSubscription> =>
    ports.eventSource.subscribe({
      group: `chat-service-${reader}-${config.instanceId}`,
      owner: "instance",
      topics,
      fromBeginning: false,
      handle: consume(decode, deliver, { logger, onFailure: "skip", wanted: tuning.wanted }),
      ...(tuning.fetch === undefined ? {} : { fetch: tuning.fetch }),
    });

  /** Presence changes and typing notices: every instance reads all of them, from now on. */
  const presenceReaders = (): Promise<RunningSubscription>[] => {
    const presence = gateway.presence;
    if (presence === undefined) return [];
    return [
      liveReader(
        "presence",
        [PRESENCE_CHANGES_TOPIC],
        decodePresenceChange,
        (change) => presence.deliverPresence(change),
        {
          // Partitions are keyed by user: each user's changes stay in order.
          fetch: { minBytes: 1, maxWaitMs: 5000, partitionsConsumedConcurrently: 4 },
        },
      ),
      liveReader(
        "typing",
        [CHAT_TYPING_TOPIC],
        decodeTypingNotice,
        (notice) => presence.deliverTyping(notice),
      ),
    ];
  };

  /** Stops relaying, commits what the readers handled and stops them. */
  const stop = async (): Promise<void> => {
    clearInterval(reloadTimer);
    await ports.outbox?.stop();
    await gateway.presence?.stop();
    await slots.close();
    await Promise.all(
      readers.map((r) =>
        r.stop().catch((error) =>
          logger.warn("event reader stop failed", { error, group: r.group })
        )
      ),
    );
  };

  const readiness = async (): Promise<Readiness> => {
    const names = Object.keys(ports.dependencies);
    const checks = await Promise.all(
      // A dependency that does not answer within the check deadline is down, named as such.
      names.map((name) =>
        withDeadline(ports.dependencies[name](readers), READINESS_CHECK_MS).catch((
          error,
        ): DependencyCheck => ({
          ok: false,
          report: error instanceof CheckTimedOut ? "unavailable (no answer)" : "unavailable",
        }))
      ),
    );
    const relay = ports.outbox?.state;
    return {
      ready: checks.every((c) => c.ok),
      checks: {
        ...Object.fromEntries(names.map((name, i) => [name, checks[i].report])),
        // A broker being down delays events but loses none: it does not make the service unready.
        ...(relay === undefined ? {} : {
          outbox: {
            relay: relay.healthy ? "ok" : "retrying",
            published: relay.published,
            ...(relay.lastError === undefined ? {} : { last_error: relay.lastError }),
          },
        }),
        websocket: { connections: gateway.connectionCount, channels: gateway.hub.channelCount },
        user_lookup: {
          breaker: lookupChain.breakerState,
          cached: users.size,
          ...(ports.remoteUsers.calls === undefined ? {} : { grpc_calls: ports.remoteUsers.calls }),
        },
      },
    };
  };

  return {
    channels,
    messages,
    reads,
    gateway,
    users,
    lookupChain,
    start,
    stop,
    readiness,
    revocations,
    metrics,
    /** The event readers running now (Kafka lag metrics). */
    readers: (): readonly RunningSubscription[] => readers,
    /** The tokens a route accepts: a valid signature, and a session that has not ended. */
    createApp: (deps: { tokens: TokenCodec }) =>
      createChatApp({
        channels,
        messages,
        reads,
        gateway,
        logger,
        readiness,
        bodyTimeoutMs: config.REQUEST_BODY_TIMEOUT_MS,
        metrics,
        tokens: refusingRevoked(deps.tokens, (claims) => revocations.refuses(claims)),
      }),
  };
}

export type ChatService = ReturnType<typeof assembleChatService>;
