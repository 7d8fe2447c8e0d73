/**
 * One client's WebSocket: many channel subscriptions, the frames of DESIGN §4,
 * and the protections: frame size (1009), flood (1008), a bounded send queue
 * (a client too far behind is closed with 1013 instead of growing memory).
 */
import type { Logger } from "@chat-ts/shared/logger";
import type { Caller } from "@chat-ts/shared/http";
import type { ChannelService } from "../../domain/channel/service.ts";
import type { MessageService } from "../../domain/message/service.ts";
import type { MessageError } from "../../domain/message/errors.ts";
import { MessageId } from "../../domain/ids.ts";
import { type ClientFrame, errorFrame, newMessageFrame, parseClientFrame } from "./frames.ts";
import type { Hub, OutgoingFrame, Subscriber } from "./hub.ts";
import { TokenBucket } from "./rate_limit.ts";

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
  /** Heartbeat: the server pings, and a peer that has not answered within this is dropped. */
  readonly idleTimeoutSeconds: number;
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
}

type Subscription =
  | { state: "replaying"; buffered: { channelId: string; frame: OutgoingFrame }[] }
  /**
   * `replayed` drops live copies of replayed messages: a message stored before the replay
   * read history may reach this instance through Kafka only after the replay ended.
   */
  | { state: "live"; replayed?: ReadonlySet<string>; replayedUntil?: number };

/** How long live copies of replayed messages are watched for after a replay. */
const SEAM_WINDOW_MS = 60_000;

const encoder = new TextEncoder();

export class Connection implements Subscriber {
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #bucket: TokenBucket;
  #closed = false;
  /** When the socket's send queue first went over the limit; undefined when it is not. */
  #behindSince: number | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly caller: Caller,
    private readonly deps: ConnectionDeps,
  ) {
    this.#bucket = new TokenBucket(deps.limits.framesPerSecond, deps.limits.frameBurst);
    socket.onmessage = (event) => this.#onMessage(event);
    socket.onclose = () => this.#cleanUp();
    socket.onerror = () => this.#cleanUp();
  }

  deliver(channelId: string, frame: OutgoingFrame): void {
    const subscription = this.#subscriptions.get(channelId);
    if (subscription === undefined) return;
    if (subscription.state === "replaying") {
      subscription.buffered.push({ channelId, frame });
      return;
    }
    if (subscription.replayed !== undefined && frame.kind === "new_message") {
      if ((subscription.replayedUntil ?? 0) < performance.now()) {
        this.#subscriptions.set(channelId, { state: "live" });
      } else if (subscription.replayed.has(frame.messageId)) return;
    }
    this.#send(frame.text);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    try {
      this.socket.close(code, reason);
    } catch { /* already closing */ }
    this.#cleanUp();
  }

  #send(text: string): void {
    if (this.#closed || this.socket.readyState !== WebSocket.OPEN) return;
    const queued = this.socket.bufferedAmount;
    const { maxBufferedBytes, slowClientGraceMs } = this.deps.limits;
    if (queued > maxBufferedBytes) {
      const now = performance.now();
      this.#behindSince ??= now;
      if (queued > 4 * maxBufferedBytes || now - this.#behindSince > slowClientGraceMs) {
        this.close(CLOSE_TRY_AGAIN, "client is too far behind");
        return;
      }
    } else {
      this.#behindSince = undefined;
    }
    this.socket.send(text);
  }

  #onMessage(event: MessageEvent): void {
    if (this.#closed) return;
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
      this.#send(errorFrame("malformed_frame", "Frames must be JSON text"));
      return;
    }
    const parsed = parseClientFrame(data);
    if (!parsed.ok) {
      this.#send(parsed.error);
      return;
    }
    this.#handle(parsed.frame).catch((error) => {
      this.deps.logger.error("websocket frame failed", { error, frame_type: parsed.frame.type });
      this.#send(errorFrame("internal", "Something went wrong on our side", parsed.frame.ref));
    });
  }

  async #handle(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case "ping":
        this.#send(JSON.stringify({ type: "pong" }));
        return;
      case "subscribe":
        await this.#subscribe(frame.channel_id, frame.after, frame.ref);
        return;
      case "unsubscribe": {
        const id = frame.channel_id.toLowerCase();
        this.#subscriptions.delete(id);
        this.deps.hub.unsubscribe(id, this);
        this.#send(JSON.stringify({ type: "unsubscribed", channel_id: frame.channel_id }));
        return;
      }
      case "send_message": {
        const sent = await this.deps.messages.send(this.caller.userId, frame.channel_id, {
          content: frame.content,
          clientId: frame.client_id,
        });
        if (!sent.ok) this.#send(errorFrameFor(sent.error, frame.ref));
        return;
      }
      default: {
        const unknown: never = frame;
        return unknown;
      }
    }
  }

  async #subscribe(rawChannelId: string, after: string | undefined, ref: string | undefined) {
    const channel = await this.deps.channels.accessible(this.caller.userId, rawChannelId);
    if (!channel.ok) {
      this.#send(errorFrameFor(channel.error, ref));
      return;
    }
    const cursor = after === undefined ? undefined : MessageId.parse(after);
    if (cursor !== undefined && !cursor.ok) {
      this.#send(errorFrame("invalid_frame", "after: must be a message id", ref));
      return;
    }
    const channelId = channel.value.id;
    if (cursor === undefined) {
      this.#subscriptions.set(channelId, { state: "live" });
      this.deps.hub.subscribe(channelId, this);
      this.#send(JSON.stringify({ type: "subscribed", channel_id: channelId }));
      return;
    }
    // Live messages that arrive during the replay wait, so none is lost or doubled at the seam.
    const subscription: Subscription = { state: "replaying", buffered: [] };
    this.#subscriptions.set(channelId, subscription);
    this.deps.hub.subscribe(channelId, this);
    this.#send(JSON.stringify({ type: "subscribed", channel_id: channelId }));
    const cap = this.deps.limits.replayCap;
    let missed = await this.deps.messages.history(this.caller.userId, channelId, {
      limit: cap + 1,
      after: { kind: "message", id: cursor.value },
    });
    if (missed.ok && missed.value.length > cap) {
      this.#send(errorFrame(
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
        this.#send(JSON.stringify(newMessageFrame(message)));
      }
    }
    if (this.#subscriptions.get(channelId) !== subscription) return; // unsubscribed meanwhile
    this.#subscriptions.set(channelId, {
      state: "live",
      replayed,
      replayedUntil: performance.now() + SEAM_WINDOW_MS,
    });
    for (const { frame } of subscription.buffered) {
      if (frame.kind === "new_message" && replayed.has(frame.messageId)) continue;
      this.#send(frame.text);
    }
  }

  #cleanUp(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const channelId of this.#subscriptions.keys()) this.deps.hub.unsubscribe(channelId, this);
    this.#subscriptions.clear();
    this.deps.onClose(this);
  }
}

function errorFrameFor(error: MessageError, ref: string | undefined): string {
  switch (error.type) {
    case "channel_not_found":
    case "message_not_found":
      return errorFrame("not_found", error.message, ref);
    case "validation":
    case "user_not_found":
    case "unsupported":
      return errorFrame("validation_failed", error.message, ref);
    case "name_taken":
      return errorFrame("conflict", error.message, ref);
    case "not_allowed":
    case "not_author":
      return errorFrame("forbidden", error.message, ref);
    case "member_not_found":
      return errorFrame("not_found", error.message, ref);
    case "dependency_unavailable":
      return errorFrame("unavailable", error.message, ref);
    default: {
      const unknown: never = error;
      return unknown;
    }
  }
}
