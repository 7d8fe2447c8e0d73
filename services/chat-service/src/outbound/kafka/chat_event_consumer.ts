/**
 * Fan-out: every instance reads all sixteen `chat.messages` shards under its
 * own consumer group, from the latest offset, and hands each event to local
 * delivery. One partition per shard keeps each channel's Kafka order.
 */
import { CHAT_MESSAGE_TOPICS, type ChatEvent } from "@chat-ts/shared/events";
import { type RunningConsumer, startConsumer } from "@chat-ts/shared/kafka";
import type { Logger } from "@chat-ts/shared/logger";
import type { Consumer, Kafka } from "kafkajs";
import { decodeChatEvent } from "./chat_event_envelope.ts";

export class ChatEventConsumer {
  readonly #consumer: Consumer;
  #running: RunningConsumer | undefined;

  constructor(
    kafka: Kafka,
    readonly groupId: string,
    private readonly onEvent: (event: ChatEvent) => Promise<void> | void,
    private readonly logger: Logger,
    fetchWaitMs: number,
  ) {
    this.#consumer = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      // The broker answers a fetch once 16 KiB are there or `fetchWaitMs` have passed, instead
      // of at the first record: under load one fetch carries many records rather than one,
      // which is most of this consumer's cost; a quiet channel waits at most `fetchWaitMs`.
      minBytes: 16 * 1024,
      maxWaitTimeInMs: fetchWaitMs,
    });
  }

  /** Resolves once the group has joined and fetching has started. */
  async start(): Promise<void> {
    this.#running = await startConsumer(this.#consumer, {
      topics: CHAT_MESSAGE_TOPICS,
      fromBeginning: false,
      partitionsConsumedConcurrently: 4,
      logger: this.logger,
      eachMessage: async ({ topic, message }) => {
        const decoded = decodeChatEvent(message.value);
        if (!decoded.ok) {
          this.logger.warn("skipping undecodable chat event", {
            topic,
            offset: message.offset,
            reason: decoded.error.message,
          });
          return;
        }
        if (decoded.value === null) return;
        try {
          await this.onEvent(decoded.value);
        } catch (error) {
          this.logger.error("delivering a chat event failed", {
            error,
            topic,
            offset: message.offset,
          });
        }
      },
    });
  }

  /** Commits consumed offsets and leaves the group. */
  async stop(): Promise<void> {
    await (this.#running?.stop() ?? this.#consumer.disconnect());
  }
}
