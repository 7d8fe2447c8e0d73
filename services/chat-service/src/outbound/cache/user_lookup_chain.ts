/**
 * The username fallback chain behind the `UserDirectory` port: replica →
 * user-service over gRPC (retries with exponential backoff and jitter on
 * transient errors only, behind a circuit breaker that opens after repeated
 * failures and probes again after a cool-down) → degraded (`unavailable`, so
 * messages still go out with `username: null`). A replica miss answered by
 * gRPC is written through to the replica. The in-process cache wraps this
 * chain (see CachedUserDirectory). Retry and breaker are npm:cockatiel.
 */
import type { Logger } from "@chat-ts/shared/logger";
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  wrap,
} from "cockatiel";
import type { UserId } from "../../domain/ids.ts";
import type {
  RemoteUsers,
  UserDirectory,
  UserLookup,
  UserReplica,
} from "../../domain/user/ports.ts";

/** gRPC status codes worth retrying: the call may succeed if made again. */
const TRANSIENT = new Set([
  4, /* DEADLINE_EXCEEDED */
  8, /* RESOURCE_EXHAUSTED */
  10, /* ABORTED */
  14, /* UNAVAILABLE */
]);

export function isTransient(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error &&
    typeof error.code === "number" && TRANSIENT.has(error.code);
}

export interface UserLookupChainOptions {
  readonly replica: UserReplica;
  readonly remote: RemoteUsers;
  readonly logger: Logger;
  readonly retries?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Consecutive failed lookups (after retries) that open the breaker. */
  readonly breakerThreshold?: number;
  /** How long the breaker stays open before one probe call. */
  readonly breakerCooldownMs?: number;
}

export type BreakerState = "closed" | "open" | "half_open" | "isolated";

export class UserLookupChain implements UserDirectory {
  readonly #breaker;
  readonly #policy;

  constructor(private readonly options: UserLookupChainOptions) {
    const transient = handleWhen(isTransient);
    const retries = retry(transient, {
      maxAttempts: options.retries ?? 2,
      // Decorrelated jitter: spread retries so recovering instances are not hit in step.
      backoff: new ExponentialBackoff({
        initialDelay: options.initialBackoffMs ?? 50,
        maxDelay: options.maxBackoffMs ?? 1000,
      }),
    });
    this.#breaker = circuitBreaker(transient, {
      halfOpenAfter: options.breakerCooldownMs ?? 10_000,
      breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
    });
    this.#breaker.onStateChange((state) =>
      options.logger.warn("user-service circuit breaker", { state: describe(state) })
    );
    this.#policy = wrap(this.#breaker, retries);
  }

  get breakerState(): BreakerState {
    return describe(this.#breaker.state);
  }

  async lookup(userId: UserId): Promise<UserLookup> {
    try {
      const local = await this.options.replica.find(userId);
      if (local !== undefined) return local;
    } catch (error) {
      this.options.logger.warn("user replica lookup failed", { error });
    }
    let remote: UserLookup;
    try {
      remote = await this.#policy.execute(() => this.options.remote.fetch(userId));
    } catch (error) {
      this.options.logger.debug("username lookup degraded", {
        user_id: userId,
        error: error instanceof Error ? error.message : String(error),
      });
      return { status: "unavailable" };
    }
    if (remote.status === "found") {
      await this.options.replica.remember(userId, remote.username).catch((error) =>
        this.options.logger.warn("could not write a user through to the replica", { error })
      );
    }
    return remote;
  }
}

function describe(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return "closed";
    case CircuitState.Open:
      return "open";
    case CircuitState.HalfOpen:
      return "half_open";
    case CircuitState.Isolated:
      return "isolated";
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
}
