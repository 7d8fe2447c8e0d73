/**
 * Publishes chat events to the channel's shard topic, keyed by channel id
 * (DESIGN §5), through a `ProduceQueue`: one produce request in flight, the
 * events published meanwhile together in the next one. The deployment
 * publishes through the outbox (`publishInOrder` is its relay's sink).
 */
import { KafkaRecordSink } from "@chat-ts/shared/kafka";
import type { Kafka } from "kafkajs";
import { type ChatEventSent, toRecord } from "../envelopes/chat_envelope.ts";
import { ChatEventRecorder } from "../envelopes/chat_event_recorder.ts";
import type { ChatRecord } from "../postgres/chat_outbox.ts";
import { ProduceQueue } from "./produce_queue.ts";

/**
 * One produce request stays well below the broker's record-batch limit
 * (`message.max.bytes`, 1 MiB by default): 256 Ki characters are at most
 * 768 KiB of UTF-8. One channel's records all go to one partition, so one
 * batch could otherwise carry a whole burst.
 */
const REQUEST_LIMITS = {
  maxItems: 500,
  maxSize: 256 * 1024,
  sizeOf: (record: ChatRecord) => record.value.length,
};

export class KafkaChatEventPublisher extends ChatEventRecorder {
  /** One producer, connected on first use and again after a disconnect; acks from all replicas. */
  readonly #sink: KafkaRecordSink;
  readonly #records = new ProduceQueue<ChatRecord>(
    (batch) => this.#sink.send(batch),
    REQUEST_LIMITS,
  );

  constructor(kafka: Kafka) {
    super();
    this.#sink = new KafkaRecordSink(kafka, -1);
  }

  connect(): Promise<void> {
    return this.#sink.connect();
  }

  protected record(event: ChatEventSent): Promise<void> {
    return this.#records.submit(toRecord(event));
  }

  /**
   * The outbox relay's sink: records in the order given, in requests within
   * the limits, one after another; the first failed request rejects and no
   * later one is sent, so a retried batch never overtakes itself.
   */
  async publishInOrder(records: readonly ChatRecord[]): Promise<void> {
    let request: ChatRecord[] = [];
    let size = 0;
    for (const record of records) {
      const length = REQUEST_LIMITS.sizeOf(record);
      if (
        request.length > 0 &&
        (request.length >= REQUEST_LIMITS.maxItems || size + length > REQUEST_LIMITS.maxSize)
      ) {
        await this.#sink.send(request);
        request = [];
        size = 0;
      }
      request.push(record);
      size += length;
    }
    await this.#sink.send(request);
  }

  close(): Promise<void> {
    return this.#sink.close();
  }
}
