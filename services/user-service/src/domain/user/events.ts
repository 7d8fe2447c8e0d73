/** What happened to a user; published to `user-events` through the outbox. */
import type { EmailAddress, SessionId, UserId, Username } from "./models.ts";

export type UserEvent =
  | {
    readonly type: "user_created";
    readonly eventId: string;
    readonly userId: UserId;
    readonly username: Username;
    readonly email: EmailAddress;
    readonly at: Date;
  }
  | {
    readonly type: "user_updated";
    readonly eventId: string;
    readonly userId: UserId;
    readonly username: Username;
    readonly email: EmailAddress;
    readonly at: Date;
  }
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
