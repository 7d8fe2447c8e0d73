/** Publishes chat events to the channel's shard topic, keyed by channel id (DESIGN §5). */
import { chatMessagesTopic, encodeEvent } from "@chat-ts/shared/events";
import { type Kafka, Partitioners, type Producer } from "kafkajs";
import type { ChannelCreated } from "../../domain/channel/events.ts";
import type { ChannelEventPublisher } from "../../domain/channel/ports.ts";
import type { MessageEvent } from "../../domain/message/events.ts";
import type { MessageEventPublisher } from "../../domain/message/ports.ts";
import { toEnvelope } from "./chat_event_envelope.ts";

export class KafkaChatEventPublisher implements MessageEventPublisher, ChannelEventPublisher {
  readonly #producer: Producer;
  #connecting: Promise<void> | undefined;

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
    const channelId = event.type === "message_sent" ? event.message.channelId : event.channelId;
    return this.#send(channelId, event);
  }

  publishChannelCreated(event: ChannelCreated): Promise<void> {
    return this.#send(event.channel.id, event);
  }

  async #send(channelId: string, event: MessageEvent | ChannelCreated): Promise<void> {
    await this.connect();
    await this.#producer.send({
      topic: chatMessagesTopic(channelId),
      acks: -1,
      messages: [{ key: channelId, value: encodeEvent(toEnvelope(event)) }],
    });
  }

  async close(): Promise<void> {
    this.#connecting = undefined;
    await this.#producer.disconnect();
  }
}
