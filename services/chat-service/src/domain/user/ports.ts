/** Who a user is, as far as chat needs to know: their current username. */
import type { UserId } from "../ids.ts";

export type UserLookup =
  | { readonly status: "found"; readonly username: string }
  | { readonly status: "not_found" }
  /** No source could answer (degraded mode): messages carry `username: null`. */
  | { readonly status: "unavailable" };

export interface UserDirectory {
  lookup(userId: UserId): Promise<UserLookup>;
}
