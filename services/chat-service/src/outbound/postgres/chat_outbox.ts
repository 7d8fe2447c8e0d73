/**
 * Chat events through a Postgres outbox (docs/faults.md): `publish` writes the
 * event's record to `chat_outbox` and returns — no broker on the request
 * path — and the shared relay moves rows to the sink (Kafka's
 * `chat.messages.*`, or the in-process bus) in order per channel, at least
 * once. An append is idempotent on the event id, so a retried send can append
 * its `message_sent` again without a second row.
 */
import { chatMessagesTopic, type OutgoingRecord } from "@chat-ts/shared/events";
import { currentRequestId, REQUEST_ID_HEADER } from "@chat-ts/shared/request-context";
import type { Logger } from "@chat-ts/shared/logger";
import { type OutboxRecord, OutboxRelay } from "@chat-ts/shared/outbox";
import type { Sql } from "@chat-ts/shared/postgres";
import { type ChatEventSent, toRecord } from "../envelopes/chat_envelope.ts";
import { ChatEventRecorder } from "../envelopes/chat_event_recorder.ts";

/** A `chat.messages.*` record as the broker or bus takes it: always with its headers (recipients). */
export type ChatRecord = Required<OutgoingRecord>;

/** Sends records in the order given; rejects (and sends none after) at the first failure. */
export type ChatRecordSink = (records: readonly ChatRecord[]) => Promise<void>;

export class PostgresChatOutbox extends ChatEventRecorder {
  readonly relay: OutboxRelay;
  readonly durable = true;

  constructor(
    private readonly sql: Sql,
    sink: ChatRecordSink,
    logger: Logger,
  ) {
    super();
    this.relay = new OutboxRelay({
      sql,
      table: { name: "chat_outbox", keyColumn: "channel_id", headersColumn: "headers" },
      sink: (records) => sink(records.map(toChatRecord)),
      logger: logger.child({ component: "chat-outbox" }),
      // A backlog (after a Kafka outage) goes out in batches the subscriptions' dedupe window
      // (WS_DEDUPE_WINDOW, 1024 per channel) covers twice over, should a batch be sent again.
      batchSize: 200,
      // Longer than a produce request's own retries, so a slow broker that does take a batch is
      // rarely sent it a second time.
      publishTimeoutMs: 30_000,
      retainPublishedMs: 10 * 60_000,
    });
  }

  protected async record(event: ChatEventSent): Promise<void> {
    const { key, value, headers } = toRecord(event);
    // The request this event belongs to, if any (an HTTP request, or a socket's frame), travels
    // with it as a record header (docs/gateway.md: Request id).
    const requestId = currentRequestId();
    const all = requestId === undefined ? headers : { ...headers, [REQUEST_ID_HEADER]: requestId };
    await this.sql`
      insert into chat_outbox (event_id, channel_id, payload, headers)
      values (${event.eventId}, ${key}, ${value}, ${JSON.stringify(all)})
      on conflict (event_id) do nothing`;
    this.relay.wake();
  }
}

function toChatRecord(record: OutboxRecord): ChatRecord {
  return {
    topic: chatMessagesTopic(record.key),
    key: record.key,
    value: record.payload,
    headers: record.headers,
  };
}
