/**
 * chat-service assembled from its ports: the domain services, the user
 * lookup chain and its cache, the WebSocket gateway and the HTTP app. The
 * real deployment (main.ts) and the embedded mode (embedded/main.ts) call
 * this with different adapters, so both run the same service.
 */
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import type { Readiness } from "@chat-ts/shared/http";
import type { ChatCoreConfig } from "./config.ts";
import type { ChannelEventPublisher, ChannelRepository } from "./domain/channel/ports.ts";
import { ChannelService } from "./domain/channel/service.ts";
import type {
  MessageEventPublisher,
  MessageIdGenerator,
  MessageStore,
} from "./domain/message/ports.ts";
import { MessageService } from "./domain/message/service.ts";
import type { UserChange } from "./domain/user/models.ts";
import type { UserReplica } from "./domain/user/ports.ts";
import { UserReplicaService } from "./domain/user/service.ts";
import { createChatApp } from "./inbound/http/app.ts";
import { WebSocketGateway } from "./inbound/websocket/gateway.ts";
import { CachedChannelRepository } from "./outbound/memory/cached_channel_repository.ts";
import { CachedUserDirectory } from "./outbound/memory/cached_user_directory.ts";
import { type RemoteUsers, UserLookupChain } from "./outbound/user_lookup/user_lookup_chain.ts";

export interface ChatPorts {
  readonly channels: ChannelRepository;
  readonly messages: MessageStore;
  readonly messageIds: MessageIdGenerator;
  readonly events: MessageEventPublisher & ChannelEventPublisher;
  readonly replica: UserReplica;
  /** Where a replica miss is answered: user-service over gRPC, or in process. */
  readonly remoteUsers: RemoteUsers;
}

export function assembleChatService(ports: ChatPorts, config: ChatCoreConfig, logger: Logger) {
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
  const channelRepository = new CachedChannelRepository(ports.channels);
  const channels = new ChannelService({
    channels: channelRepository,
    users,
    events: ports.events,
    clock,
    ids: { newId: () => crypto.randomUUID() },
  });
  const messages = new MessageService({
    channels,
    messages: ports.messages,
    events: ports.events,
    users,
    ids: { ...ports.messageIds, newEventId: () => crypto.randomUUID() },
    clock,
    logger,
  });
  const gateway = new WebSocketGateway({
    channels,
    messages,
    logger,
    limits: {
      maxFrameBytes: config.WS_MAX_FRAME_BYTES,
      framesPerSecond: config.WS_FRAMES_PER_SECOND,
      frameBurst: config.WS_FRAME_BURST,
      maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
      slowClientGraceMs: config.WS_SLOW_CLIENT_GRACE_MS,
      replayCap: config.WS_REPLAY_CAP,
      idleTimeoutSeconds: config.WS_IDLE_TIMEOUT_SECONDS,
    },
  });
  const replicaService = new UserReplicaService({
    replica: ports.replica,
    channels: channelRepository,
    messages: ports.messages,
    logger,
  });

  return {
    channels,
    messages,
    gateway,
    users,
    lookupChain,
    /** Applies a user change to the replica, once per deployment. */
    applyToReplica: (change: UserChange) => replicaService.apply(change),
    /** Keeps this instance's caches current; every instance sees every change. */
    refreshCaches(change: UserChange): void {
      if (change.type === "upserted") {
        users.learn(change.userId, { status: "found", username: change.username });
      } else {
        users.learn(change.userId, { status: "not_found" });
        channelRepository.forgetCreatedBy(change.userId);
      }
    },
    createApp: (deps: { tokens: TokenCodec; readiness: () => Promise<Readiness> }) =>
      createChatApp({ channels, messages, gateway, logger, ...deps }),
  };
}

export type ChatService = ReturnType<typeof assembleChatService>;
