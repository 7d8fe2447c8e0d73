/**
 * Per-key limits (per user, per username, per client address), counted with
 * rate-limiter-flexible's in-memory limiter: each instance counts on its own until the
 * deployment has a shared store (the presence issue's Redis; the library has a Redis limiter
 * with the same interface). A refusal carries how long to wait, for `Retry-After`.
 */
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export type LimitDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterSeconds: number };

const allowed: LimitDecision = { ok: true };

function refusal(res: unknown): LimitDecision {
  if (!(res instanceof RateLimiterRes)) throw res;
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

/** At most `points` actions per key in each `windowSeconds`. */
export class KeyedLimit {
  readonly #limiter: RateLimiterMemory;

  constructor(readonly points: number, readonly windowSeconds: number) {
    this.#limiter = new RateLimiterMemory({ points, duration: windowSeconds });
  }

  /** Counts one action; refused once the key has used its points in this window. */
  async take(key: string): Promise<LimitDecision> {
    try {
      await this.#limiter.consume(key);
      return allowed;
    } catch (res) {
      return refusal(res);
    }
  }
}

export interface LoginThrottleOptions {
  /** Failures a key may have in the window before each further one blocks it. */
  readonly freeFailures: number;
  /** Failures are forgotten this long after the first of a run. */
  readonly windowSeconds: number;
  /** The longest block: the backoff doubles per failure up to this, never for good. */
  readonly maxBlockSeconds: number;
}

/**
 * Exponential backoff on failed logins: after `freeFailures` failures of a key within the
 * window, each further failure blocks it for 1, 2, 4, … seconds, at most `maxBlockSeconds`.
 * A block always ends, and the count is forgotten after the window, so the legitimate user is
 * never locked out for good; a success clears the key.
 */
export class LoginThrottle {
  readonly #failures: RateLimiterMemory;
  readonly #blocks: RateLimiterMemory;

  constructor(private readonly options: LoginThrottleOptions) {
    // Counting only: far more points than any run of failures reaches.
    this.#failures = new RateLimiterMemory({ points: 1_000_000, duration: options.windowSeconds });
    this.#blocks = new RateLimiterMemory({ points: 1, duration: 1 });
  }

  /** Refused while any of the keys is blocked (checked before the password is). */
  async check(keys: readonly string[]): Promise<LimitDecision> {
    let wait = 0;
    for (const key of keys) {
      const block = await this.#blocks.get(key);
      if (block !== null && block.consumedPoints > 1 && block.msBeforeNext > 0) {
        wait = Math.max(wait, block.msBeforeNext);
      }
    }
    return wait === 0 ? allowed : { ok: false, retryAfterSeconds: Math.ceil(wait / 1000) };
  }

  async failed(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const counted = await this.#failures.penalty(key, 1);
      const over = counted.consumedPoints - this.options.freeFailures;
      if (over > 0) {
        const seconds = Math.min(this.options.maxBlockSeconds, 2 ** Math.min(over - 1, 30));
        await this.#blocks.block(key, seconds);
      }
    }
  }

  async succeeded(key: string): Promise<void> {
    await Promise.all([this.#failures.delete(key), this.#blocks.delete(key)]);
  }
}
