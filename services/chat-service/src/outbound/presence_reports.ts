/**
 * Connection reports and typing notices through a `RecordSink` (Kafka, or the embedded mode's
 * bus). Reports are sent in order, each send carrying what queued up meanwhile; a failed send is
 * logged once per outage and dropped: presence degrades, chat does not (heartbeats repair it).
 */
import type { RecordSink } from "@chat-ts/shared/events";
import type { Logger } from "@chat-ts/shared/logger";
import type { ReportedConnection, TypingNotice } from "../domain/presence/models.ts";
import type { ConnectionReports, TypingNotices } from "../domain/presence/ports.ts";
import {
  type ConnectionReport,
  reportRecord,
  typingRecord,
} from "./envelopes/presence_envelope.ts";

/** Connections per heartbeat record (the schema's limit). */
const HEARTBEAT_CHUNK = 1000;

export class SinkPresenceReports implements ConnectionReports, TypingNotices {
  #queue: ReturnType<typeof reportRecord>[] = [];
  #sending: Promise<void> = Promise.resolve();
  #failing = false;

  constructor(
    private readonly sink: RecordSink,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {}

  opened(connection: ReportedConnection, at: Date): void {
    this.#enqueue({ type: "opened", connection }, at);
  }

  closed(connection: ReportedConnection, at: Date): void {
    this.#enqueue({ type: "closed", connection }, at);
  }

  statusSet(connection: ReportedConnection, active: boolean, at: Date): void {
    this.#enqueue({ type: "status_set", connection, active }, at);
  }

  heartbeat(connections: readonly ReportedConnection[], at: Date): void {
    for (let i = 0; i < connections.length; i += HEARTBEAT_CHUNK) {
      this.#enqueue(
        { type: "heartbeat", connections: connections.slice(i, i + HEARTBEAT_CHUNK) },
        at,
      );
    }
  }

  flush(): Promise<void> {
    return this.#sending;
  }

  async publish(notice: TypingNotice): Promise<void> {
    await this.sink.send([typingRecord(notice)]);
  }

  #enqueue(report: ConnectionReport, at: Date): void {
    this.#queue.push(reportRecord(this.instanceId, report, at));
    if (this.#queue.length > 1) return; // a send is already scheduled for the queue
    this.#sending = this.#sending.then(async () => {
      const batch = this.#queue;
      this.#queue = [];
      try {
        await this.sink.send(batch);
        if (this.#failing) this.logger.info("presence reports sent again");
        this.#failing = false;
      } catch (error) {
        if (!this.#failing) {
          this.logger.warn("presence reports could not be sent; presence degrades", { error });
        }
        this.#failing = true;
      }
    });
  }
}
