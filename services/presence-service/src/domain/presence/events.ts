import type { Presence, UserId } from "./models.ts";

/** A decided transition, published on `presence.changes`. */
export interface PresenceChanged {
  readonly type: "presence_changed";
  readonly eventId: string;
  readonly userId: UserId;
  readonly presence: Presence;
}
