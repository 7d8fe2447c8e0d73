import type { QuotaPolicy, QuotaUse } from "./models.ts";

/** Where counts are kept: shared by every gateway instance (Redis), or this process. */
export interface QuotaCounter {
  /** Counts one request under `key` against `policy`. */
  spend(policy: QuotaPolicy, key: string): Promise<QuotaUse>;
}
