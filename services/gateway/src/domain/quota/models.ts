/** Rate limits at the edge: a policy per route class and scope, and what one request spent. */
import type { RouteClass } from "../route/models.ts";

/** Who a count is kept for: the client's address, or the authenticated user. */
export type QuotaScope = "address" | "user";

export interface QuotaPolicy {
  /** The policy's name in `RateLimit-Policy` / `RateLimit`, e.g. `send-user`. */
  readonly name: string;
  readonly routeClass: RouteClass;
  readonly scope: QuotaScope;
  readonly points: number;
  readonly windowSeconds: number;
}

/** One policy's count after this request. */
export interface QuotaUse {
  readonly policy: QuotaPolicy;
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetSeconds: number;
}

/**
 * A request's verdict: the policies that applied, and the one nearest its end (the refusing
 * one when refused), which the `RateLimit` header reports.
 */
export type QuotaVerdict =
  | { readonly kind: "allowed"; readonly uses: readonly QuotaUse[]; readonly tightest?: QuotaUse }
  | { readonly kind: "refused"; readonly uses: readonly QuotaUse[]; readonly tightest: QuotaUse };
