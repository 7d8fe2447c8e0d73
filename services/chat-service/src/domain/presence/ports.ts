import type { ReportedConnection, TypingNotice } from "./models.ts";

/**
 * Where this instance tells presence-service about its connections. Best effort: a report that
 * cannot be sent is logged, never an error for the client (the next heartbeat repairs it).
 */
export interface ConnectionReports {
  opened(connection: ReportedConnection, at: Date): void;
  closed(connection: ReportedConnection, at: Date): void;
  /** `active`: the user did something (typed, sent), not only came back to the tab. */
  statusSet(connection: ReportedConnection, active: boolean, at: Date): void;
  heartbeat(connections: readonly ReportedConnection[], at: Date): void;
  /** Resolves once every report handed over so far is sent (or failed). */
  flush(): Promise<void>;
}

/** Typing notices to every instance (this one included). */
export interface TypingNotices {
  publish(notice: TypingNotice): Promise<void>;
}
