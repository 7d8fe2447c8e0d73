/** Who a user is, as far as chat needs to know: their current username. */
import type { UserId } from "../ids.ts";
import type { UserChange } from "./models.ts";

export type UserLookup =
  | { readonly status: "found"; readonly username: string }
  | { readonly status: "not_found" }
  /** No source could answer (degraded mode): messages carry `username: null`. */
  | { readonly status: "unavailable" };

export interface UserDirectory {
  lookup(userId: UserId): Promise<UserLookup>;
}

/** user-service itself (gRPC GetUser, or a direct call in the embedded mode): it always knows. */
export interface RemoteUsers {
  fetch(userId: UserId): Promise<Exclude<UserLookup, { status: "unavailable" }>>;
  /** Calls made so far, when they cost a network round trip (for `/health/ready`). */
  readonly calls?: number;
}

/** Who bears a username now, ignoring case (how `@username` mentions are resolved). */
export interface UserNames {
  /** The holder of each lower-cased name that has one; names nobody bears are absent. */
  idsOf(names: readonly string[]): Promise<ReadonlyMap<string, UserId>>;
}

/** chat's own copy of users; lookups that miss fall through to user-service. */
export interface UserReplica extends UserNames {
  /** `undefined` when the replica has no row (ask user-service). */
  find(userId: UserId): Promise<UserLookup | undefined>;
  /**
   * Applies a change once and in order: a replayed event, an update older than
   * the row, or anything after a delete changes nothing. True when applied.
   */
  apply(change: UserChange): Promise<boolean>;
  /** Records a user learnt from user-service, unless the replica already knows better. */
  remember(userId: UserId, username: string): Promise<void>;
}
