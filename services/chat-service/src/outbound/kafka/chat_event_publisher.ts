/**
 * Publishes chat events to the channel's shard topic, keyed by channel id
 * (DESIGN §5). One produce request is in flight at a time; events published
 * meanwhile wait and go together in the next request. An idle publisher
 * sends at once (no linger), a busy one sends fewer, larger requests: each
 * request costs the broker and this process about as much as its records.
 */
import { type Kafka, type Message, Partitioners, type Producer } from "kafkajs";
import type { ChannelCreated } from "../../domain/channel/events.ts";
import type { ChannelEventPublisher } from "../../domain/channel/ports.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageEventPublisher } from "../../domain/message/ports.ts";
import { toRecord } from "./chat_event_envelope.ts";

interface PendingRecord {
  readonly topic: string;
  readonly message: Message;
  resolve(): void;
  reject(error: unknown): void;
}

export class KafkaChatEventPublisher implements MessageEventPublisher, ChannelEventPublisher {
  readonly #producer: Producer;
  #connecting: Promise<void> | undefined;
  #waiting: PendingRecord[] = [];
  #flushing = false;

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
    return new Promise((resolve, reject) => {
      this.#waiting.push({ topic, message: { key, value }, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  /** Sends everything waiting, request after request, until nothing waits. */
  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0);
      const byTopic = new Map<string, Message[]>();
      for (const { topic, message } of batch) {
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
      }
      try {
        await this.connect();
        await this.#producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        for (const pending of batch) pending.resolve();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.#flushing = false;
  }

  async close(): Promise<void> {
    this.#connecting = undefined;
    await this.#producer.disconnect();
  }
}
