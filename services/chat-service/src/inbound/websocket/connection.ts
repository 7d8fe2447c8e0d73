/**
 * One client's WebSocket: many channel subscriptions, the frames of DESIGN §4,
 * and the protections: frame size (1009), flood (1008), a bounded send queue
 * (a client too far behind is closed with 1013 instead of growing memory).
 * The seam between replay and live delivery is `ReplaySeam`.
 */
import type { Logger } from "@chat-ts/shared/logger";
import { currentRequestId, withRequestId } from "@chat-ts/shared/request-context";
import { DependencyUnavailable } from "@chat-ts/shared/unavailable";
import type { Caller } from "@chat-ts/shared/http";
import type { ServerFrame } from "@chat-ts/shared/websocket";
import type { ChannelService } from "../../domain/channel/service.ts";
import type { ChannelId, MessageId, UserId } from "../../domain/ids.ts";
import type { MessageService } from "../../domain/message/service.ts";
import type { DeclaredStatus } from "../../domain/presence/models.ts";
import { errorFrameFor } from "./error_frames.ts";
import { type ClientCommand, frames, parseClientFrame } from "./frames.ts";
import type { Hub, OutgoingFrame, Subscriber } from "./hub.ts";
import type { ReadService } from "../../domain/read/service.ts";
import type { LivePresence } from "./presence.ts";
import { TokenBucket } from "./rate_limit.ts";
import { ReplaySeam } from "./replay_seam.ts";
import type { SocketTraffic } from "./traffic.ts";

export interface ConnectionLimits {
  readonly maxFrameBytes: number;
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  /**
   * Bytes queued on the socket beyond which the client counts as behind. A client
   * behind for longer than `slowClientGraceMs`, or by four times this, is closed (1013).
   */
  readonly maxBufferedBytes: number;
  /** How long a client may stay behind: a Kafka fetch is delivered in one burst. */
  readonly slowClientGraceMs: number;
  /** Most messages replayed by `subscribe` with `after`. */
  readonly replayCap: number;
  /** Recent live message ids each channel remembers on this instance to drop copies (hub.ts). */
  readonly dedupeWindow?: number;
  /** Heartbeat: the server pings, and a peer that has not answered within this is dropped. */
  readonly idleTimeoutSeconds: number;
  /** Open sockets one user may have on this instance. */
  readonly maxConnectionsPerUser: number;
}

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_TRY_AGAIN = 1013;

export interface ConnectionDeps {
  readonly hub: Hub;
  readonly channels: ChannelService;
  readonly messages: MessageService;
  readonly limits: ConnectionLimits;
  readonly logger: Logger;
  readonly onClose: (connection: Connection) => void;
  /** Counted here, read by the metrics. */
  readonly traffic: SocketTraffic;
  /** Read markers (`mark_read`); absent: refused as unavailable. */
  readonly reads?: ReadService;
  /** Presence and typing; without it `typing` and `set_status` are accepted and ignored. */
  readonly presence?: LivePresence;
}

const encoder = new TextEncoder();

export class Connection implements Subscriber {
  readonly #subscriptions = new Map<ChannelId, ReplaySeam>();
  readonly #bucket: TokenBucket;
  #closed = false;
  /** When the socket's send queue first went over the limit; undefined when it is not. */
  #behindSince: number | undefined;
  /** For presence: unique on this instance, and what the client declared (`set_status`). */
  readonly connectionId = crypto.randomUUID();
  status: DeclaredStatus = "online";

  constructor(
    private readonly socket: WebSocket,
    readonly caller: Caller<UserId>,
    private readonly deps: ConnectionDeps,
  ) {
    this.#bucket = new TokenBucket(deps.limits.framesPerSecond, deps.limits.frameBurst);
    // Each frame is handled as part of the upgrade's request: its log lines, and the events it
    // makes (the Kafka record's `x-request-id`), name that request (docs/gateway.md).
    const requestId = currentRequestId();
    socket.onmessage = requestId === undefined
      ? (event) => this.#onMessage(event)
      : (event) => withRequestId(requestId, () => this.#onMessage(event));
    socket.onclose = () => this.#cleanUp();
    socket.onerror = () => this.#cleanUp();
  }

  get userId(): UserId {
    return this.caller.userId;
  }

  get username(): string {
    return this.caller.username;
  }

  notify(text: string): void {
    this.#sendText(text);
  }

  /** Stops the channel's frames (the user left it or was removed); no frame of its own. */
  drop(channelId: ChannelId): void {
    if (!this.#subscriptions.delete(channelId)) return;
    this.deps.hub.unsubscribe(channelId, this);
  }

  deliver(channelId: ChannelId, frame: OutgoingFrame): void {
    const out = this.#subscriptions.get(channelId)?.accept(frame, performance.now());
    if (out !== undefined && this.#sendText(out.text)) this.deps.traffic.deliveries++;
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    try {
      this.socket.close(code, reason);
    } catch { /* already closing */ }
    this.#cleanUp();
  }

  #send(frame: ServerFrame): void {
    this.#sendText(JSON.stringify(frame));
  }

  /** False when the frame was not written (closed, or the client dropped as too slow). */
  #sendText(text: string): boolean {
    if (this.#closed || this.socket.readyState !== WebSocket.OPEN) return false;
    const queued = this.socket.bufferedAmount;
    const { maxBufferedBytes, slowClientGraceMs } = this.deps.limits;
    if (queued > maxBufferedBytes) {
      const now = performance.now();
      this.#behindSince ??= now;
      if (queued > 4 * maxBufferedBytes || now - this.#behindSince > slowClientGraceMs) {
        this.deps.traffic.slowClientsDropped++;
        this.close(CLOSE_TRY_AGAIN, "client is too far behind");
        return false;
      }
    } else {
      this.#behindSince = undefined;
    }
    this.socket.send(text);
    this.deps.traffic.framesOut++;
    return true;
  }

  #onMessage(event: MessageEvent): void {
    if (this.#closed) return;
    this.deps.traffic.framesIn++;
    if (!this.#bucket.take()) {
      this.close(CLOSE_POLICY, "too many frames");
      return;
    }
    const data: unknown = event.data;
    const size = typeof data === "string"
      ? (data.length * 3 > this.deps.limits.maxFrameBytes
        ? encoder.encode(data).length
        : data.length)
      : data instanceof ArrayBuffer
      ? data.byteLength
      : data instanceof Blob
      ? data.size
      : 0;
    if (size > this.deps.limits.maxFrameBytes) {
      this.close(CLOSE_TOO_BIG, "frame too large");
      return;
    }
    if (typeof data !== "string") {
      this.#send(frames.error("malformed_frame", "Frames must be JSON text"));
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.#send(parsed.error);
      return;
    }
    const command = parsed.value;
    this.#handle(command).catch((error) => {
      if (error instanceof DependencyUnavailable) {
        this.deps.logger.warn("dependency unavailable", {
          dependency: error.dependency,
          frame_type: command.type,
        });
        this.#send(frames.error("unavailable", `${error.dependency} is unavailable`, command.ref));
        return;
      }
      this.deps.logger.error("websocket frame failed", { error, frame_type: command.type });
      this.#send(frames.error("internal", "Something went wrong on our side", command.ref));
    });
  }

  async #handle(command: ClientCommand): Promise<void> {
    switch (command.type) {
      case "ping":
        this.#send(frames.pong());
        return;
      case "subscribe":
        await this.#subscribe(command.channelId, command.after, command.ref);
        return;
      case "unsubscribe":
        this.#subscriptions.delete(command.channelId);
        this.deps.hub.unsubscribe(command.channelId, this);
        this.#send(frames.unsubscribed(command.channelId));
        return;
      case "send_message": {
        const sent = await this.deps.messages.send(this.caller.userId, command.channelId, {
          content: command.content,
          clientId: command.clientId,
          replyTo: command.replyTo,
        });
        if (!sent.ok) this.#send(errorFrameFor(sent.error, command.ref));
        else this.deps.presence?.active(this);
        return;
      }
      case "typing":
        await this.deps.presence?.typing(this, command.channelId);
        return;
      case "set_status":
        this.deps.presence?.setStatus(this, command.status);
        return;
      case "mark_read": {
        const reads = this.deps.reads;
        if (reads === undefined) return;
        const marked = await reads.markRead(
          this.caller.userId,
          command.channelId,
          command.messageId,
        );
        if (!marked.ok) this.#send(errorFrameFor(marked.error, command.ref));
        return;
      }
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
  }

  async #subscribe(id: ChannelId, after: MessageId | undefined, ref: string | undefined) {
    const channel = await this.deps.channels.accessible(this.caller.userId, id);
    if (!channel.ok) {
      this.#send(errorFrameFor(channel.error, ref));
      return;
    }
    const channelId = channel.value.id;
    const seam = after === undefined ? ReplaySeam.live() : ReplaySeam.replaying();
    this.#subscriptions.set(channelId, seam);
    this.deps.hub.subscribe(channelId, this);
    this.#send(frames.subscribed(channelId));
    if (after === undefined) return;

    const cap = this.deps.limits.replayCap;
    let missed = await this.deps.messages.history(this.caller.userId, channelId, {
      limit: cap + 1,
      after: { kind: "message", id: after },
    });
    if (missed.ok && missed.value.length > cap) {
      this.#send(frames.error(
        "replay_truncated",
        `More than ${cap} messages were missed; the newest ${cap} follow, older ones are in the channel's history`,
        ref,
      ));
      missed = await this.deps.messages.history(this.caller.userId, channelId, { limit: cap });
    }
    const replayed = new Set<string>();
    if (missed.ok) {
      for (const message of [...missed.value].reverse()) {
        replayed.add(message.id);
        this.#send(frames.newMessage(message));
      }
    }
    // Older messages edited since `after` was sent: their current content.
    const edits = await this.deps.messages.editedSince(this.caller.userId, channelId, after, cap);
    if (edits.ok) { for (const edit of edits.value) this.#send(frames.messageEdited(edit)); }
    if (this.#subscriptions.get(channelId) !== seam) return; // unsubscribed meanwhile
    for (const frame of seam.finishReplay(replayed, performance.now())) this.#sendText(frame.text);
  }

  #cleanUp(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const channelId of this.#subscriptions.keys()) this.deps.hub.unsubscribe(channelId, this);
    this.#subscriptions.clear();
    this.deps.presence?.closed(this);
    this.deps.onClose(this);
  }
}
