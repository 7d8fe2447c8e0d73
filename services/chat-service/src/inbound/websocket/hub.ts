/**
 * This instance's subscribers, by channel. A frame is serialised once by the
 * caller and the same string goes to every subscriber.
 */
import type { ChannelId, UserId } from "../../domain/ids.ts";

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

export class Hub {
  readonly #byChannel = new Map<ChannelId, Set<Subscriber>>();

  subscribe(channelId: ChannelId, subscriber: Subscriber): void {
    let set = this.#byChannel.get(channelId);
    if (set === undefined) {
      set = new Set();
      this.#byChannel.set(channelId, set);
    }
    set.add(subscriber);
  }

  unsubscribe(channelId: ChannelId, subscriber: Subscriber): void {
    const set = this.#byChannel.get(channelId);
    if (set === undefined) return;
    set.delete(subscriber);
    if (set.size === 0) this.#byChannel.delete(channelId);
  }

  subscribersOf(channelId: ChannelId): ReadonlySet<Subscriber> {
    return this.#byChannel.get(channelId) ?? none;
  }

  hasSubscribers(channelId: ChannelId): boolean {
    return this.#byChannel.has(channelId);
  }

  deliver(channelId: ChannelId, frame: OutgoingFrame): number {
    const set = this.#byChannel.get(channelId);
    if (set === undefined) return 0;
    for (const subscriber of set) subscriber.deliver(channelId, frame);
    return set.size;
  }

  get channelCount(): number {
    return this.#byChannel.size;
  }
}
