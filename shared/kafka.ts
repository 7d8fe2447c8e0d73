/** Kafka clients through npm:kafkajs, with kafkajs' own logs routed to our logger. */
import { Kafka, type KafkaConfig, type LogEntry, logLevel } from "kafkajs";
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
