/** Presence of DESIGN's presence service: online, away or offline since a time; last seen. */
import { err, ok, type Result } from "@chat-ts/shared/result";

export type UserId = string & { readonly __brand: "UserId" };

export interface ValidationError {
  readonly type: "validation";
  readonly field: string;
  readonly message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const UserId = {
  /** Ids are compared as text, so they are kept lower-case. */
  parse(raw: string, field = "user_id"): Result<UserId, ValidationError> {
    return UUID.test(raw)
      ? ok(raw.toLowerCase() as UserId)
      : err({ type: "validation", field, message: `${field}: must be a UUID` });
  },
};

export type Status = "online" | "away" | "offline";
/** What a client declares on one connection; offline is only ever decided here. */
export type DeclaredStatus = "online" | "away";

/** When the user was last connected. */
export type LastSeen = Date;

/** A user's presence as clients see it. `lastSeen` is set while offline (null: never seen). */
export type Presence =
  | { readonly status: "online" | "away"; readonly since: Date; readonly lastSeen: null }
  | { readonly status: "offline"; readonly since: Date; readonly lastSeen: LastSeen | null };

/** One WebSocket connection: `<instance id>/<connection id>`, unique across instances. */
export type ConnectionKey = string & { readonly __brand: "ConnectionKey" };

export const ConnectionKey = {
  of(instanceId: string, connectionId: string): ConnectionKey {
    return `${instanceId}/${connectionId}` as ConnectionKey;
  },
  /** A key the store wrote itself: any text is a key (stores hold only keys made by `of`). */
  parse(stored: string): ConnectionKey {
    return stored as ConnectionKey;
  },
};

/** What chat-service instances report about their connections (from `presence.reports`). */
export type PresenceReport =
  | {
    readonly type: "connected";
    readonly userId: UserId;
    readonly connection: ConnectionKey;
    readonly status: DeclaredStatus;
    readonly at: Date;
  }
  | {
    readonly type: "disconnected";
    readonly userId: UserId;
    readonly connection: ConnectionKey;
    readonly at: Date;
  }
  | {
    readonly type: "status_set";
    readonly userId: UserId;
    readonly connection: ConnectionKey;
    readonly status: DeclaredStatus;
    /** The user did something (typed, sent), not only came back to the tab. */
    readonly active: boolean;
    readonly at: Date;
  }
  | {
    readonly type: "heartbeat";
    readonly connections: readonly LiveConnection[];
    readonly at: Date;
  };

export interface LiveConnection {
  readonly userId: UserId;
  readonly connection: ConnectionKey;
  readonly status: DeclaredStatus;
}
