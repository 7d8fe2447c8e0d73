/**
 * Ended sessions from `user-events`, for this gateway instance alone: its own consumer group,
 * set at each start to the records of the last access-token lifetime (older ends cover only
 * expired tokens), then kept reading live. Nothing is shared between instances and nothing is
 * stored: a restarted instance reads the same window again (docs/gateway.md: Authentication).
 */
import { consume, type RunningSubscription, USER_EVENTS_TOPIC } from "@chat-ts/shared/events";
import { kafkaEventSource } from "@chat-ts/shared/kafka";
import type { Logger } from "@chat-ts/shared/logger";
import type { SessionEnd } from "@chat-ts/shared/revocations";
import type { Kafka } from "kafkajs";
import { decodeSessionEnd } from "../events/session_end_decoder.ts";

export interface SessionEndReaderOptions {
  readonly group: string;
  /** Records from this time on are read at start. */
  readonly since: Date;
  readonly learn: (end: SessionEnd) => void;
  readonly logger: Logger;
}

/** How long a start waits for the group's previous member (same instance id) to leave. */
const GROUP_FREE_WITHIN_MS = 15_000;

/** Resolves once the window is set and the consumer has joined. */
export async function readSessionEnds(
  kafka: Kafka,
  options: SessionEndReaderOptions,
): Promise<RunningSubscription> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = await admin.fetchTopicOffsetsByTimestamp(
      USER_EVENTS_TOPIC,
      options.since.getTime(),
    );
    const deadline = Date.now() + GROUP_FREE_WITHIN_MS;
    for (;;) {
      try {
        await admin.setOffsets({ groupId: options.group, topic: USER_EVENTS_TOPIC, partitions });
        break;
      } catch (error) {
        // A group with a live member (a restart within its session timeout) refuses the reset.
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await admin.disconnect();
  }
  // The group's offsets are set: it reads from there, as every other reader does.
  return await kafkaEventSource(kafka, options.logger).subscribe({
    group: options.group,
    // This instance's alone: deleted on stop (its offsets are set anew at every start anyway).
    owner: "instance",
    topics: [USER_EVENTS_TOPIC],
    fromBeginning: false,
    handle: consume(decodeSessionEnd, options.learn, {
      logger: options.logger,
      onFailure: "skip",
    }),
  });
}
