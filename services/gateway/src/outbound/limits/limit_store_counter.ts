/**
 * Quota counts in a `LimitStore` (shared/limits.ts): Redis in the deployment, so every gateway
 * instance spends from the same count; this process's memory in the embedded mode.
 */
import { KeyedLimit, type LimitStore } from "@chat-ts/shared/limits";
import type { QuotaPolicy, QuotaUse } from "../../domain/quota/models.ts";
import type { QuotaCounter } from "../../domain/quota/ports.ts";
import { Quotas } from "../../domain/quota/service.ts";
import type { GatewayLimitConfig } from "../../config.ts";

/** The gateway's quotas counted in `store`. */
export function quotasIn(store: LimitStore, config: GatewayLimitConfig): Quotas {
  return new Quotas(new LimitStoreCounter(store), config);
}

export class LimitStoreCounter implements QuotaCounter {
  readonly #limits = new Map<string, KeyedLimit>();

  constructor(private readonly store: LimitStore) {}

  async spend(policy: QuotaPolicy, key: string): Promise<QuotaUse> {
    let limit = this.#limits.get(policy.name);
    if (limit === undefined) {
      limit = new KeyedLimit(
        policy.points,
        policy.windowSeconds,
        this.store,
        `gateway:${policy.name}`,
      );
      this.#limits.set(policy.name, limit);
    }
    return { policy, ...await limit.spend(key) };
  }
}
