/**
 * Publishes chat events to the channel's shard topic, keyed by channel id
 * (DESIGN §5), through a `ProduceQueue`: one produce request in flight, the
 * events published meanwhile together in the next one. The deployment
 * publishes through the outbox (`publishInOrder` is its relay's sink).
 */
import { type Kafka, type Message, Partitioners, type Producer } from "kafkajs";
import type { ChannelCreated } from "../../domain/channel/events.ts";
import type { ChannelEventPublisher } from "../../domain/channel/ports.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageEventPublisher } from "../../domain/message/ports.ts";
import { toRecord } from "../envelopes/chat_envelope.ts";
import type { ChatRecord } from "../postgres/chat_outbox.ts";
import { ProduceQueue } from "./produce_queue.ts";

interface PendingRecord {
  readonly topic: string;
  readonly message: Message & { value: string };
}

/**
 * One produce request stays well below the broker's record-batch limit
 * (`message.max.bytes`, 1 MiB by default): 256 Ki characters are at most
 * 768 KiB of UTF-8. One channel's records all go to one partition, so one
 * batch could otherwise carry a whole burst.
 */
const REQUEST_LIMITS = {
  maxItems: 500,
  maxSize: 256 * 1024,
  sizeOf: (record: PendingRecord) => record.message.value.length,
};

export class KafkaChatEventPublisher implements MessageEventPublisher, ChannelEventPublisher {
  readonly #producer: Producer;
  #connecting: Promise<void> | undefined;
  readonly #records = new ProduceQueue<PendingRecord>(
    (batch) => this.#produce(batch),
    REQUEST_LIMITS,
  );

  constructor(kafka: Kafka) {
    this.#producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#producer.on(this.#producer.events.DISCONNECT, () => {
      this.#connecting = undefined;
    });
  }

  connect(): Promise<void> {
    this.#connecting ??= this.#producer.connect().catch((error) => {
      this.#connecting = undefined;
      throw error;
    });
    return this.#connecting;
  }

  publish(event: MessageEvent): Promise<void> {
    return this.#send(event);
  }

  publishChannelCreated(event: ChannelCreated): Promise<void> {
    return this.#send(event);
  }

  #send(event: MessageEvent | ChannelCreated): Promise<void> {
    const { topic, key, value } = toRecord(event);
    return this.#records.submit({ topic, message: { key, value } });
  }

  /**
   * The outbox relay's sink: records in the order given, in requests within
   * the limits, one after another; the first failed request rejects and no
   * later one is sent, so a retried batch never overtakes itself.
   */
  async publishInOrder(records: readonly ChatRecord[]): Promise<void> {
    let request: PendingRecord[] = [];
    let size = 0;
    for (const { topic, key, value } of records) {
      if (
        request.length > 0 &&
        (request.length >= REQUEST_LIMITS.maxItems || size + value.length > REQUEST_LIMITS.maxSize)
      ) {
        await this.#produce(request);
        request = [];
        size = 0;
      }
      request.push({ topic, message: { key, value } });
      size += value.length;
    }
    if (request.length > 0) await this.#produce(request);
  }

  async #produce(batch: readonly PendingRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of batch) {
      const messages = byTopic.get(topic);
      if (messages === undefined) byTopic.set(topic, [message]);
      else messages.push(message);
    }
    await this.connect();
    await this.#producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async close(): Promise<void> {
    this.#connecting = undefined;
    await this.#producer.disconnect();
  }
}
