/** How many recent live message ids each channel remembers on an instance (WS_DEDUPE_WINDOW). */
export const DEDUPE_WINDOW = 1024;

/**
 * The last `capacity` ids seen, oldest forgotten first: bounded memory (a ring of ids and a set)
 * for dropping copies from at-least-once delivery.
 */
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
