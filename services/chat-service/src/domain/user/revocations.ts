/**
 * Ended sessions as chat applies them: the shared `Revocations` (also the gateway's), with the
 * store that lets them outlive a restart.
 */
import type { SessionEnd as AnySessionEnd } from "@chat-ts/shared/revocations";
import type { UserId } from "../ids.ts";

export { Revocations } from "@chat-ts/shared/revocations";

/** A `session_ended` or `user_deleted` event, as chat applies it. */
export type SessionEnd = AnySessionEnd<UserId>;

/** Where ended sessions outlive a restart (chat's Postgres; deleted users are in the replica). */
export interface SessionEndStore {
  record(end: SessionEnd): Promise<void>;
  /** Every end (deletions included) at or after `since`. */
  since(since: Date): Promise<SessionEnd[]>;
}
