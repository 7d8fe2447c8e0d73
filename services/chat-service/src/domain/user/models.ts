/** What chat knows about a user, kept in step with user-service's events. */
import type { UserId } from "../ids.ts";

/** A change to a user as user-service announced it; `at` orders changes of one user. */
export type UserChange =
  | {
    readonly type: "upserted";
    readonly eventId: string;
    readonly userId: UserId;
    readonly username: string;
    readonly email: string;
    readonly at: Date;
    /** From `user_created`: the user is new. */
    readonly created?: boolean;
  }
  | {
    readonly type: "deleted";
    readonly eventId: string;
    readonly userId: UserId;
    readonly at: Date;
  };
