/** Ended sessions in process memory: for the in-process gateway suite (the embedded mode uses Postgres). */
import type { SessionEnd, SessionEndStore } from "../../domain/user/revocations.ts";

export class MemorySessionEndStore implements SessionEndStore {
  readonly #ends = new Map<string, SessionEnd>();

  record(end: SessionEnd): Promise<void> {
    this.#ends.set(end.eventId, end);
    return Promise.resolve();
  }

  since(since: Date): Promise<SessionEnd[]> {
    return Promise.resolve([...this.#ends.values()].filter((e) => e.at >= since));
  }
}
