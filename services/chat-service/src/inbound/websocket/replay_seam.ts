/**
 * One channel's subscription on one socket, at the seam between replay and
 * live delivery. A `subscribe` with `after` replays missed messages from
 * history; live frames that arrive meanwhile wait, and afterwards live copies
 * of replayed messages are dropped: a message stored before the replay read
 * history may reach this instance through Kafka only after the replay ended.
 * So no message is lost or doubled at the seam.
 *
 * Live delivery is at least once (producer retries, outbox relay re-sends
 * after a failure: docs/faults.md), so a subscription also drops a live
 * message it has already delivered live, remembering the ids of its last
 * `window` live messages (bounded memory: a ring of ids). Pure: no socket, no
 * clock of its own.
 */
import type { OutgoingFrame } from "./hub.ts";

/** How long live copies of replayed messages are watched for after a replay. */
export const SEAM_WINDOW_MS = 60_000;

/** How many recent live message ids a subscription remembers to drop copies. */
export const DEDUPE_WINDOW = 1024;

/** The last `capacity` ids seen, oldest forgotten first. */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #ring: string[] = [];
  #next = 0;

  constructor(readonly capacity: number) {}

  /** True when `id` was seen among the last `capacity`; otherwise remembers it. */
  seen(id: string): boolean {
    if (this.#ids.has(id)) return true;
    if (this.capacity <= 0) return false;
    if (this.#ring.length < this.capacity) {
      this.#ring.push(id);
    } else {
      this.#ids.delete(this.#ring[this.#next]);
      this.#ring[this.#next] = id;
      this.#next = (this.#next + 1) % this.capacity;
    }
    this.#ids.add(id);
    return false;
  }

  get size(): number {
    return this.#ids.size;
  }
}

type State =
  | { readonly kind: "replaying"; readonly buffered: OutgoingFrame[] }
  | { readonly kind: "live"; readonly replayed?: ReadonlySet<string>; readonly until?: number };

export class ReplaySeam {
  #state: State;
  readonly #delivered: RecentIds;

  private constructor(state: State, window: number) {
    this.#state = state;
    this.#delivered = new RecentIds(window);
  }

  /** A subscription without replay: every frame goes out, once. */
  static live(window = DEDUPE_WINDOW): ReplaySeam {
    return new ReplaySeam({ kind: "live" }, window);
  }

  /** A subscription whose missed messages are being replayed. */
  static replaying(window = DEDUPE_WINDOW): ReplaySeam {
    return new ReplaySeam({ kind: "replaying", buffered: [] }, window);
  }

  /** A live frame: returned when it goes out now, undefined when it waits or is a copy. */
  accept(frame: OutgoingFrame, now: number): OutgoingFrame | undefined {
    const state = this.#state;
    if (state.kind === "replaying") {
      state.buffered.push(frame);
      return undefined;
    }
    if (state.replayed !== undefined && frame.kind === "new_message") {
      if ((state.until ?? 0) < now) this.#state = { kind: "live" };
      else if (state.replayed.has(frame.messageId)) return undefined;
    }
    return this.#once(frame);
  }

  /** A live message goes out only the first time (within the window). */
  #once(frame: OutgoingFrame): OutgoingFrame | undefined {
    if (frame.kind !== "new_message") return frame;
    return this.#delivered.seen(frame.messageId) ? undefined : frame;
  }

  /**
   * The replay has sent `replayed` (message ids): the frames that waited go out
   * now, less copies of replayed messages, which are watched for `windowMs` more.
   */
  finishReplay(replayed: ReadonlySet<string>, now: number, windowMs = SEAM_WINDOW_MS) {
    const waited = this.#state.kind === "replaying" ? this.#state.buffered : [];
    this.#state = { kind: "live", replayed, until: now + windowMs };
    return waited.filter((f) =>
      !(f.kind === "new_message" && replayed.has(f.messageId)) && this.#once(f) !== undefined
    );
  }
}
