/**
 * Message ids: UUID v1 (RFC 9562 §5.1) whose embedded time is the message's
 * millisecond timestamp, so ids sort by time (Cassandra `timeuuid`). Pure
 * code, no driver: the embedded mode and the Cassandra store share it.
 *
 * Within one millisecond a counter fills the 100 ns ticks (10,000 per ms, as
 * cassandra-driver's TimeUuid does); a random clock sequence and node per
 * generator keep two instances from colliding.
 */
import type { MessageId } from "../../domain/ids.ts";
import type { MessageIdGenerator } from "../../domain/message/ports.ts";

/** 100 ns intervals from 1582-10-15 (the UUID epoch) to 1970-01-01. */
const GREGORIAN_OFFSET_MS = 12_219_292_800_000n;
const TICKS_PER_MS = 10_000;

export class TimeUuidGenerator implements MessageIdGenerator {
  #ticks = 0;
  readonly #tail: string;

  constructor(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)) {
    const bytes = random(new Uint8Array(8));
    bytes[0] = (bytes[0] & 0x3f) | 0x80; // variant 10xx
    bytes[2] |= 0x01; // a random node id has the multicast bit set (RFC 9562 §6.10)
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    this.#tail = `${hex.slice(0, 4)}-${hex.slice(4)}`;
  }

  next(at: Date): MessageId {
    this.#ticks = (this.#ticks + 1) % TICKS_PER_MS;
    const time = (BigInt(at.getTime()) + GREGORIAN_OFFSET_MS) * BigInt(TICKS_PER_MS) +
      BigInt(this.#ticks);
    const hex = time.toString(16).padStart(15, "0");
    // time_low - time_mid - version 1 + time_high - clock sequence and node
    return `${hex.slice(7)}-${hex.slice(3, 7)}-1${hex.slice(0, 3)}-${this.#tail}` as MessageId;
  }
}
