/**
 * Erasure of a deleted user against real Postgres and Cassandra: memberships,
 * the channels they created (direct ones included) and their messages go;
 * other users' messages stay; doing it twice is harmless.
 */
import assert from "node:assert/strict";
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { silentLogger } from "@chat-ts/shared/logger";
import { connectPostgres } from "@chat-ts/shared/postgres";
import { unwrap } from "@chat-ts/shared/result";
import type { UserId } from "../../services/chat-service/src/domain/ids.ts";
import { ChannelName } from "../../services/chat-service/src/domain/channel/models.ts";
import { MessageContent } from "../../services/chat-service/src/domain/message/models.ts";
import { MessageService } from "../../services/chat-service/src/domain/message/service.ts";
import { UserReplicaService } from "../../services/chat-service/src/domain/user/service.ts";
import { CassandraMessageStore } from "../../services/chat-service/src/outbound/cassandra/message_store.ts";
import { TimeUuidGenerator } from "../../services/chat-service/src/outbound/time_uuid/time_uuid_generator.ts";
import { PostgresChannelRepository } from "../../services/chat-service/src/outbound/postgres/channel_repository.ts";
import { PostgresUserReplica } from "../../services/chat-service/src/outbound/postgres/user_replica.ts";
import { channelServiceWithoutEvents } from "../support/channel_service.ts";
import { testCassandraContactPoints, testDatabaseUrl } from "../support/env.ts";

const chatDatabase = testDatabaseUrl("chat");
const contactPoints = testCassandraContactPoints();
const timeUuids = new TimeUuidGenerator();
const slug = () => crypto.randomUUID().slice(0, 8);

Deno.test({
  name:
    "erasure: a deleted user's memberships, channels and messages are removed, twice harmlessly",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const sql = connectPostgres({ url: chatDatabase, max: 4 });
    const cassandra = await connectCassandra({ contactPoints, keyspace: "chat" });
    try {
      const repository = new PostgresChannelRepository(sql);
      const store = new CassandraMessageStore(cassandra, 86_400_000);
      const clock = { now: () => new Date() };
      const users = {
        lookup: () => Promise.resolve({ status: "found" as const, username: "someone" }),
      };
      const channels = channelServiceWithoutEvents({ channels: repository, users, clock });
      const messages = new MessageService({
        channels,
        messages: store,
        events: { publish: () => Promise.resolve() },
        users,
        names: { idsOf: () => Promise.resolve(new Map()) },
        ids: { next: (at: Date) => timeUuids.next(at), newEventId: () => crypto.randomUUID() },
        clock,
        logger: silentLogger,
      });
      const replica = new PostgresUserReplica(sql);
      const erasure = new UserReplicaService({
        replica,
        channels: repository,
        messages: store,
        logger: silentLogger,
      });

      const doomed = crypto.randomUUID() as UserId;
      const other = crypto.randomUUID() as UserId;
      const owned = await channels.create(doomed, {
        type: "public",
        name: unwrap(ChannelName.parse(`owned-${slug()}`)),
        description: null,
      });
      const direct = await channels.create(other, { type: "direct", participantId: doomed });
      const shared = await channels.create(other, {
        type: "private",
        name: unwrap(ChannelName.parse(`shared-${slug()}`)),
        description: null,
      });
      assert.ok(owned.ok && direct.ok && shared.ok);
      const sharedId = shared.value.channel.id;
      assert.ok((await channels.addMember(other, sharedId, doomed)).ok);
      assert.ok(
        (await messages.send(doomed, sharedId, { content: unwrap(MessageContent.parse("mine")) }))
          .ok,
      );
      assert.ok(
        (await messages.send(other, sharedId, { content: unwrap(MessageContent.parse("theirs")) }))
          .ok,
      );
      assert.ok(
        (await messages.send(doomed, owned.value.channel.id, {
          content: unwrap(MessageContent.parse("in my channel")),
        })).ok,
      );

      const deleted = {
        type: "deleted" as const,
        eventId: crypto.randomUUID(),
        userId: doomed,
        at: new Date(),
      };
      await erasure.apply(deleted);
      await erasure.apply(deleted); // a replay: harmless

      assert.equal(await repository.findById(owned.value.channel.id), undefined);
      assert.equal(await repository.findById(direct.value.channel.id), undefined);
      const remaining = await repository.findById(sharedId);
      assert.ok(remaining?.type === "private");
      assert.deepEqual(remaining.members, [other]);
      const history = await messages.history(other, sharedId, { limit: 10 });
      assert.ok(history.ok);
      assert.deepEqual(history.value.map((m) => m.content), ["theirs"]);
      assert.deepEqual(await replica.find(doomed), { status: "not_found" });
      const left = await cassandra.execute(
        "SELECT message_id FROM messages_by_user WHERE user_id = ?",
        [doomed],
        {
          prepare: true,
        },
      );
      assert.equal(left.rowLength, 0);
    } finally {
      await sql.end();
      await cassandra.shutdown();
    }
  },
});
