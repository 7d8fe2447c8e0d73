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

interface Channel {
  readonly subscribers: Set<Subscriber>;
  /** New messages delivered here lately (copies are dropped). */
  readonly delivered: RecentIds;
}

export class Hub {
  readonly #byChannel = new Map<ChannelId, Channel>();

  constructor(private readonly dedupeWindow = DEDUPE_WINDOW) {}

  subscribe(channelId: ChannelId, subscriber: Subscriber): void {
    let channel = this.#byChannel.get(channelId);
    if (channel === undefined) {
      channel = { subscribers: new Set(), delivered: new RecentIds(this.dedupeWindow) };
      this.#byChannel.set(channelId, channel);
    }
    channel.subscribers.add(subscriber);
  }

  unsubscribe(channelId: ChannelId, subscriber: Subscriber): void {
    const channel = this.#byChannel.get(channelId);
    if (channel === undefined) return;
    channel.subscribers.delete(subscriber);
    if (channel.subscribers.size === 0) this.#byChannel.delete(channelId);
  }

  subscribersOf(channelId: ChannelId): ReadonlySet<Subscriber> {
    return this.#byChannel.get(channelId)?.subscribers ?? none;
  }

  hasSubscribers(channelId: ChannelId): boolean {
    return this.#byChannel.has(channelId);
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
