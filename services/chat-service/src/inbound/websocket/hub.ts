/**
 * This instance's subscribers, by channel. A frame is serialised once by the
 * caller and the same string goes to every subscriber. Live delivery is at
 * least once (producer retries, outbox relay re-sends: docs/faults.md), so
 * each channel remembers the ids of its last `dedupeWindow` new messages and
 * drops a copy before it reaches any subscriber: one check per message, not
 * one per subscriber, and one window per channel, not per subscription.
 */
import type { ChannelId, UserId } from "../../domain/ids.ts";
import { DEDUPE_WINDOW, RecentIds } from "./recent_ids.ts";

export interface Subscriber {
  deliver(channelId: ChannelId, frame: OutgoingFrame): void;
  /** Whose socket this is (typing never reaches the typing user's own sockets). */
  readonly userId: UserId;
  /** A frame outside the message stream (presence, typing), sent as is. */
  notify(text: string): void;
}

const none: ReadonlySet<Subscriber> = new Set();
/** The frames of a channel's subscribers. */
export type ChannelFrameKind =
  | "new_message"
  | "message_deleted"
  | "message_edited"
  | "reaction_added"
  | "reaction_removed";

export interface OutgoingFrame {
  readonly text: string;
  readonly kind: ChannelFrameKind;
  readonly messageId: string;
}

const keyText = new TextDecoder();

/**
 * The first 8 hex digits of a channel id (its first 32 bits), read from its text or the bytes
 * of that text alike; anything else gives some number, which at worst matches in vain.
 */
function fingerprint(id: Uint8Array | string): number {
  let value = 0;
  for (let i = 0; i < 8 && i < id.length; i++) {
    const c = typeof id === "string" ? id.charCodeAt(i) : id[i];
    // '0'-'9' → 0-9, 'a'-'f' and 'A'-'F' → 10-15.
    value = value * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return value;
}

interface Channel {
  readonly subscribers: Set<Subscriber>;
  /** New messages delivered here lately (copies are dropped). */
  readonly delivered: RecentIds;
}

export class Hub {
  readonly #byChannel = new Map<ChannelId, Channel>();
  /** How many subscribed channels share each `fingerprint`. */
  readonly #fingerprints = new Map<number, number>();

  constructor(private readonly dedupeWindow = DEDUPE_WINDOW) {}

  subscribe(channelId: ChannelId, subscriber: Subscriber): void {
    let channel = this.#byChannel.get(channelId);
    if (channel === undefined) {
      channel = { subscribers: new Set(), delivered: new RecentIds(this.dedupeWindow) };
      this.#byChannel.set(channelId, channel);
      const print = fingerprint(channelId);
      this.#fingerprints.set(print, (this.#fingerprints.get(print) ?? 0) + 1);
    }
    channel.subscribers.add(subscriber);
  }

  unsubscribe(channelId: ChannelId, subscriber: Subscriber): void {
    const channel = this.#byChannel.get(channelId);
    if (channel === undefined) return;
    channel.subscribers.delete(subscriber);
    if (channel.subscribers.size > 0) return;
    this.#byChannel.delete(channelId);
    const print = fingerprint(channelId);
    const left = (this.#fingerprints.get(print) ?? 1) - 1;
    if (left === 0) this.#fingerprints.delete(print);
    else this.#fingerprints.set(print, left);
  }

  subscribersOf(channelId: ChannelId): ReadonlySet<Subscriber> {
    return this.#byChannel.get(channelId)?.subscribers ?? none;
  }

  hasSubscribers(channelId: ChannelId): boolean {
    return this.#byChannel.has(channelId);
  }

  /**
   * `hasSubscribers` for a record's key (the channel id's text, as bytes from Kafka), before
   * anything has parsed it: the id's first 32 bits are looked up first, so a key of a channel
   * nobody here subscribes to is refused without making a string of it.
   */
  hasSubscribersOfKey(key: Uint8Array | string): boolean {
    if (!this.#fingerprints.has(fingerprint(key))) return false;
    const byKey: ReadonlyMap<string, unknown> = this.#byChannel;
    return byKey.has(typeof key === "string" ? key : keyText.decode(key));
  }

  /** Sends `frame` to the channel's subscribers; returns how many (0 for a copy). */
  deliver(channelId: ChannelId, frame: OutgoingFrame): number {
    const channel = this.#byChannel.get(channelId);
    if (channel === undefined) return 0;
    if (frame.kind === "new_message" && channel.delivered.seen(frame.messageId)) return 0;
    for (const subscriber of channel.subscribers) subscriber.deliver(channelId, frame);
    return channel.subscribers.size;
  }

  get channelCount(): number {
    return this.#byChannel.size;
  }
}
