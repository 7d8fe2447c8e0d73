/**
 * Consumer groups on the real broker: stopping an instance's own group deletes it, a
 * deployment's group stays with its offsets (docs/events.md), and a deletion the broker refuses
 * is a warning, not a failed stop. The in-process bus has no groups, so nothing to test there.
 */
import assert from "node:assert/strict";
import {
  type EventRecord,
  type GroupOwner,
  recordKey,
  USER_EVENTS_TOPIC,
} from "@chat-ts/shared/events";
import { createKafka, kafkaEventSource } from "@chat-ts/shared/kafka";
import { createLogger, silentLogger } from "@chat-ts/shared/logger";
import type { Admin, Kafka } from "kafkajs";
import { eventually } from "../support/async.ts";
import { testKafkaBrokers } from "../support/env.ts";

const kafka = () =>
  createKafka({ brokers: testKafkaBrokers(), clientId: "groups-test", logger: silentLogger });

/** Reads `user-events` in `group` from now on, noting the keys of what it handled. */
function reader(
  client: Kafka,
  group: string,
  owner: GroupOwner,
  seen: Set<string>,
  logger = silentLogger,
) {
  return kafkaEventSource(client, logger).subscribe({
    group,
    owner,
    topics: [USER_EVENTS_TOPIC],
    fromBeginning: false,
    handle: (record: EventRecord) => {
      const key = recordKey(record);
      if (key !== undefined) seen.add(key);
      return Promise.resolve();
    },
  });
}

/** Publishes one record to `user-events` until every set has seen it: offsets to commit. */
async function handledByAll(client: Kafka, seen: readonly Set<string>[]): Promise<void> {
  const producer = client.producer();
  await producer.connect();
  try {
    const key = crypto.randomUUID();
    // Not an event: the readers note keys and decode nothing.
    await producer.send({ topic: USER_EVENTS_TOPIC, messages: [{ key, value: "probe" }] });
    await eventually(
      20_000,
      "the probe record handled",
      () => seen.every((s) => s.has(key)) ? true : undefined,
    );
  } finally {
    await producer.disconnect();
  }
}

const listed = async (admin: Admin) =>
  new Set((await admin.listGroups()).groups.map((g) => g.groupId));

/** A test with a client and a connected admin; the groups it names in `leftover` are deleted. */
function groupsTest(
  name: string,
  run: (client: Kafka, admin: Admin, leftover: string[]) => Promise<void>,
) {
  Deno.test({
    name: `kafka groups: ${name}`,
    // kafkajs' connections outlive the test's steps by design.
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const client = kafka();
      const admin = client.admin();
      await admin.connect();
      const leftover: string[] = [];
      try {
        await run(client, admin, leftover);
      } finally {
        if (leftover.length > 0) await admin.deleteGroups(leftover).catch(() => {});
        await admin.disconnect();
      }
    },
  });
}

groupsTest("stopping deletes an instance's group and keeps a deployment's", async (
  client,
  admin,
  leftover,
) => {
  const id = crypto.randomUUID();
  const instanceGroup = `groups-test-instance-${id}`;
  const deploymentGroup = `groups-test-deployment-${id}`;
  // The deployment group stays by design, the instance one if the test fails: nothing resumes them.
  leftover.push(instanceGroup, deploymentGroup);
  const seen = [new Set<string>(), new Set<string>()];
  const readers = await Promise.all([
    reader(client, instanceGroup, "instance", seen[0]),
    reader(client, deploymentGroup, "deployment", seen[1]),
  ]);
  await handledByAll(client, seen);
  const before = await listed(admin);
  assert.ok(before.has(instanceGroup) && before.has(deploymentGroup), "both groups joined");

  await Promise.all(readers.map((r) => r.stop()));

  const after = await listed(admin);
  assert.ok(!after.has(instanceGroup), "the instance's group is deleted");
  assert.ok(after.has(deploymentGroup), "the deployment's group stays");
  // …with what it handled committed: the deployment resumes from there.
  const [offsets] = await admin.fetchOffsets({
    groupId: deploymentGroup,
    topics: [USER_EVENTS_TOPIC],
  });
  assert.ok(offsets.partitions.some((p) => Number(p.offset) > 0), "offsets committed");
});

groupsTest("a deletion the broker refuses is a warning and the stop completes", async (
  client,
  admin,
  leftover,
) => {
  const group = `groups-test-shared-${crypto.randomUUID()}`;
  leftover.push(group);
  const warnings: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: "groups-test",
    level: "warn",
    write: (line) => {
      const entry: unknown = JSON.parse(line);
      if (typeof entry === "object" && entry !== null) warnings.push({ ...entry });
    },
  });
  // The same instance id started twice: the group still has a member when the first stops.
  const seen = [new Set<string>(), new Set<string>()];
  const first = await reader(client, group, "instance", seen[0], logger);
  const second = await reader(client, group, "instance", seen[1], logger);
  let secondStopped = false;
  try {
    await first.stop();
    assert.ok(
      warnings.some((w) => w.level === "warn" && w.group === group),
      "a warning names the group",
    );
    assert.ok((await listed(admin)).has(group), "the group stays for its other member");

    const warned = warnings.length;
    secondStopped = true;
    await second.stop();
    assert.ok(!(await listed(admin)).has(group), "the last member's stop deletes it");
    assert.deepEqual(warnings.slice(warned), [], "and warns of nothing");
  } finally {
    if (!secondStopped) await second.stop();
  }
});
