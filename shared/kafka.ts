/** Kafka clients through npm:kafkajs, with kafkajs' own logs routed to our logger. */
import { type Admin, Kafka, type KafkaConfig, type LogEntry, logLevel } from "kafkajs";
import type { Logger } from "./logger.ts";

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** How long one connection attempt may take. */
  readonly connectionTimeoutMs?: number;
  readonly retry?: KafkaConfig["retry"];
}

export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    retry: options.retry ?? { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log: entry }: { level: logLevel; log: LogEntry["log"] }) => {
      const { message, ...fields } = entry;
      if (level <= logLevel.ERROR) log.error(message, fields);
      else if (level === logLevel.WARN) log.warn(message, fields);
      else log.debug(message, fields);
    },
  });
}

/** Records on `topics` the group has not committed yet: how far behind it is. */
export async function consumerLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<number> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  let lag = 0;
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const end of ends) {
      const offset = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      const high = Number(end.high);
      // -1: nothing committed yet; the group starts at the end (latest) or the low watermark.
      lag += offset < 0 ? 0 : Math.max(0, high - offset);
    }
  }
  return lag;
}
