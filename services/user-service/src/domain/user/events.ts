/** What happened to a user; published to `user-events` through the outbox. */
import type { EmailAddress, SessionId, UserId, Username } from "./models.ts";

/** A user's name and address as of `at`: what a registration and a change both publish. */
interface UserDetails {
  readonly eventId: string;
  readonly userId: UserId;
  readonly username: Username;
  readonly email: EmailAddress;
  readonly at: Date;
}

export type UserEvent =
  | ({ readonly type: "user_created" } & UserDetails)
  | ({ readonly type: "user_updated" } & UserDetails)
  | {
    readonly type: "user_deleted";
    readonly eventId: string;
    readonly userId: UserId;
    readonly at: Date;
  }
  | {
    /** No session id: every session of the user. */
    readonly type: "session_ended";
    readonly eventId: string;
    readonly userId: UserId;
    readonly sessionId?: SessionId;
    readonly at: Date;
  };
