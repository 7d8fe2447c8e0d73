/** Kafka clients through npm:kafkajs, with kafkajs' own logs routed to our logger. */
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
  type LogEntry,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from "kafkajs";
import "./kafkajs_idle_fix.ts";
import type { EventSource, RunningSubscription } from "./events/consume.ts";
import type { OutgoingRecord, RecordSink } from "./events/sink.ts";
import type { Logger } from "./logger.ts";
import { observedGauges, type Registry } from "./metrics.ts";
import { withTimeout } from "./timeout.ts";

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

export interface ConsumerOptions {
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly partitionsConsumedConcurrently?: number;
  /** How often handled offsets are committed (and once more on stop). */
  readonly commitIntervalMs?: number;
  /** A throw makes kafkajs retry the record: it is not marked handled. */
  readonly eachMessage: (
    payload: { topic: string; partition: number; message: KafkaMessage },
  ) => Promise<void>;
  readonly logger: Logger;
}

export interface RunningConsumer {
  /** Commits what was handled, then leaves the group. */
  stop(): Promise<void>;
}

/**
 * Connects, subscribes and runs `consumer`; resolves once the group has
 * joined, so a record published afterwards is not missed by a group that
 * starts at the latest offset.
 *
 * Offsets are committed every `commitIntervalMs` instead of kafkajs' default
 * of once per fetched batch: under a steady stream that default is one
 * OffsetCommit request per fetch, as many as the fetches themselves. A crash
 * replays at most one interval of records; every consumer here is idempotent.
 */
export async function startConsumer(
  consumer: Consumer,
  options: ConsumerOptions,
): Promise<RunningConsumer> {
  /** The last handled offset by topic and partition, committed (+1) every interval. */
  const handled = new Map<string, Map<number, string>>();
  const commitIntervalMs = options.commitIntervalMs ?? 1000;
  // Armed by the first record handled after a commit, not an interval: an idle consumer wakes
  // for nothing.
  let commitTimer: ReturnType<typeof setTimeout> | undefined;
  let stopping = false;
  const commit = async () => {
    clearTimeout(commitTimer);
    commitTimer = undefined;
    if (handled.size === 0) return;
    const offsets = [...handled].flatMap(([topic, partitions]) =>
      [...partitions].map(([partition, offset]) => ({
        topic,
        partition,
        offset: (BigInt(offset) + 1n).toString(),
      }))
    );
    handled.clear();
    try {
      await consumer.commitOffsets(offsets);
    } catch (error) {
      // A rebalance moved the partition elsewhere, or the broker is away: the next owner resumes
      // from the last commit, which at worst replays records.
      options.logger.warn("committing consumer offsets failed", { error });
    }
  };
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning });
  const joined = new Promise<void>((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    // A batch at a time rather than kafkajs' eachMessage: that wraps every record in three awaits
    // and two closures, which was most of what a record no local socket wants cost an instance.
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      const { topic, partition } = batch;
      let last: string | undefined;
      let count = 0;
      try {
        for (const message of batch.messages) {
          // Every 64 records: stop when stopping or the partition moved, and heartbeat (a no-op
          // unless one is due), which keeps the member alive through a long batch.
          if ((count++ & 63) === 0) {
            if (!isRunning() || isStale()) break;
            await heartbeat();
          }
          await options.eachMessage({ topic, partition, message });
          last = message.offset;
        }
      } finally {
        // Up to the last handled record: a throw has kafkajs fetch again from the one that threw.
        if (last !== undefined) {
          resolveOffset(last);
          let partitions = handled.get(topic);
          if (partitions === undefined) handled.set(topic, partitions = new Map());
          partitions.set(partition, last);
          if (!stopping) commitTimer ??= setTimeout(() => void commit(), commitIntervalMs);
        }
      }
      await heartbeat();
    },
  });
  await joined;
  return {
    async stop() {
      stopping = true;
      await commit();
      await consumer.disconnect();
    },
  };
}

/** How long a stop waits for the broker to delete an instance's group before leaving it. */
const GROUP_DELETE_WITHIN_MS = 5000;

/**
 * Deletes a group no member is left in, so an instance's groups do not pile up on the broker,
 * restart after restart, until its offsets retention expires them. Best effort: a failure is
 * logged, never thrown, and the broker still expires the group later.
 */
async function deleteGroup(kafka: Kafka, group: string, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  const deleting = (async () => {
    await admin.connect();
    await admin.deleteGroups([group]);
  })();
  try {
    await withTimeout(deleting, GROUP_DELETE_WITHIN_MS, `deleting consumer group ${group}`);
  } catch (error) {
    if (!groupNotFound(error)) {
      logger.warn("could not delete this instance's consumer group; Kafka expires it later", {
        group,
        error,
      });
    }
  } finally {
    // Also after a timeout: an admin still connecting is closed rather than left open.
    await admin.disconnect().catch(() => {});
  }
}

/** Kafka's error code for a group the coordinator does not know. */
const GROUP_ID_NOT_FOUND = 69;

/**
 * The broker had no such group (it had no offsets and was already gone): nothing to delete.
 * Read from kafkajs' error by shape: its error classes are spread into its exports, which Deno
 * cannot import by name.
 */
function groupNotFound(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("groups" in error)) return false;
  const groups: unknown = error.groups;
  return Array.isArray(groups) && groups.length > 0 &&
    groups.every((g: unknown) =>
      typeof g === "object" && g !== null && "errorCode" in g && g.errorCode === GROUP_ID_NOT_FOUND
    );
}

/**
 * Kafka as an `EventSource`: one consumer per subscription, in the
 * subscription's group, through `startConsumer`. Stopping an instance's own group
 * (`owner: "instance"`) deletes it once the consumer has committed and left.
 */
export function kafkaEventSource(kafka: Kafka, logger: Logger): EventSource {
  return {
    async subscribe(subscription) {
      const consumer = kafka.consumer({
        groupId: subscription.group,
        // A third of the session timeout, as Kafka advises (not every second: an idle instance's
        // five consumers heartbeat and nothing else).
        sessionTimeout: 10_000,
        heartbeatInterval: 3000,
        ...(subscription.fetch === undefined ? {} : {
          // The broker answers a fetch once `minBytes` are there or `maxWaitMs` have passed (the
          // fan-out's defaults: at the first record, else after 5 s).
          minBytes: subscription.fetch.minBytes,
          maxWaitTimeInMs: subscription.fetch.maxWaitMs,
        }),
      });
      const running = await startConsumer(consumer, {
        topics: subscription.topics,
        fromBeginning: subscription.fromBeginning,
        partitionsConsumedConcurrently: subscription.fetch?.partitionsConsumedConcurrently,
        logger,
        eachMessage: ({ topic, partition, message }) =>
          subscription.handle({
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            headers: message.headers,
            value: message.value,
          }),
      });
      return {
        group: subscription.group,
        topics: subscription.topics,
        stop: subscription.owner === "deployment" ? running.stop : async () => {
          await running.stop();
          await deleteGroup(kafka, subscription.group, logger);
        },
      };
    },
  };
}

/** Record headers as text (kafkajs hands them over as Buffers, possibly repeated). */
export function textHeaders(headers: IHeaders): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) text[name] = first.toString();
  }
  return text;
}

/**
 * Kafka as a `RecordSink`: one producer, connected on first use and again after a disconnect;
 * records are grouped by topic into one request per `send`.
 */
export class KafkaRecordSink implements RecordSink {
  readonly #producer: Producer;
  #connecting: Promise<void> | undefined;

  constructor(kafka: Kafka, private readonly acks: -1 | 1 = -1) {
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

  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const { topic, key, value, headers } of records) {
      const message: Message = headers === undefined ? { key, value } : { key, value, headers };
      const messages = byTopic.get(topic);
      if (messages === undefined) byTopic.set(topic, [message]);
      else messages.push(message);
    }
    await this.connect();
    await this.#producer.sendBatch({
      acks: this.acks,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}

/**
 * Records not yet consumed, per consumer group of this process, from committed offsets (so up
 * to one commit interval behind): fetched from the brokers at each scrape.
 */
export function consumerLagMetrics(
  registry: Registry,
  admin: Admin,
  readers: () => readonly RunningSubscription[],
): void {
  observedGauges(
    registry,
    "kafka_consumer_lag_records",
    "Records in the group's topics past its committed offsets",
    "group",
    async () => {
      const groups = readers();
      const lags = await Promise.all(
        groups.map((r) => withTimeout(consumerLag(admin, r.group, r.topics), 2000)),
      );
      return new Map(groups.map((r, i) => [r.group, lags[i]]));
    },
  );
}
