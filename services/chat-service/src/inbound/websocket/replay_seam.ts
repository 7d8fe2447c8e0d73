/**
 * One channel's subscription on one socket, at the seam between replay and
 * live delivery. A `subscribe` with `after` replays missed messages from
 * history; live frames that arrive meanwhile wait, and afterwards live copies
 * of replayed messages are dropped: a message stored before the replay read
 * history may reach this instance through Kafka only after the replay ended.
 * So no message is lost or doubled at the seam.
 *
 * Copies from at-least-once live delivery (producer retries, relay re-sends)
 * are dropped before this, once per channel by the hub (hub.ts). Pure: no
 * socket, no clock of its own.
 */
import type { OutgoingFrame } from "./hub.ts";

/** How long live copies of replayed messages are watched for after a replay. */
export const SEAM_WINDOW_MS = 60_000;

type State =
  | { readonly kind: "replaying"; readonly buffered: OutgoingFrame[] }
  | { readonly kind: "live"; readonly replayed?: ReadonlySet<string>; readonly until?: number };

export class ReplaySeam {
  #state: State;

  private constructor(state: State) {
    this.#state = state;
  }

  /** A subscription without replay: every frame goes out. */
  static live(): ReplaySeam {
    return new ReplaySeam({ kind: "live" });
  }

  /** A subscription whose missed messages are being replayed. */
  static replaying(): ReplaySeam {
    return new ReplaySeam({ kind: "replaying", buffered: [] });
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
    return frame;
  }

  /**
   * The replay has sent `replayed` (message ids): the frames that waited go out
   * now, less copies of replayed messages, which are watched for `windowMs` more.
   */
  finishReplay(replayed: ReadonlySet<string>, now: number, windowMs = SEAM_WINDOW_MS) {
    const waited = this.#state.kind === "replaying" ? this.#state.buffered : [];
    this.#state = { kind: "live", replayed, until: now + windowMs };
    return waited.filter((f) => !(f.kind === "new_message" && replayed.has(f.messageId)));
  }
}
