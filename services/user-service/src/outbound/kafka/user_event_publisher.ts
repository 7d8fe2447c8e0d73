/** Publishes encoded user events to `user-events`, keyed by user id. */
import { USER_EVENTS_TOPIC } from "@chat-ts/shared/events";
import { type Kafka, Partitioners, type Producer } from "kafkajs";
import type { OutboxRecord, UserEventPublisher } from "../../domain/user/ports.ts";

export class KafkaUserEventPublisher implements UserEventPublisher {
  readonly #producer: Producer;
  #connected = false;

  constructor(kafka: Kafka) {
    // The default (murmur2) partitioner keeps one user's events on one partition, in order.
    this.#producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#producer.on(this.#producer.events.DISCONNECT, () => {
      this.#connected = false;
    });
  }

  async publish(records: readonly OutboxRecord[]): Promise<void> {
    if (!this.#connected) {
      await this.#producer.connect();
      this.#connected = true;
    }
    await this.#producer.send({
      topic: USER_EVENTS_TOPIC,
      acks: -1,
      messages: records.map((r) => ({
        key: r.userId,
        value: r.payload,
        headers: { event_id: r.eventId },
      })),
    });
  }

  async close(): Promise<void> {
    this.#connected = false;
    await this.#producer.disconnect();
  }
}
