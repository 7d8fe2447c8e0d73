/**
 * Applies every pending migration: migrations/user to the users database,
 * migrations/chat to the chat database, migrations/presence to the presence
 * database, migrations/cassandra to the keyspace.
 * Idempotent. Usage: deno task migrate [user] [chat] [presence] [cassandra]
 */
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { env, loadConfig } from "@chat-ts/shared/config";
import { createLogger } from "@chat-ts/shared/logger";
import { migrateCassandra, migratePostgres, readMigrations } from "@chat-ts/shared/migrations";
import { connectPostgres } from "@chat-ts/shared/postgres";

const config = loadConfig({
  USER_DATABASE_URL: env.url("postgres://chat:chat@127.0.0.1:5432/users"),
  CHAT_DATABASE_URL: env.url("postgres://chat:chat@127.0.0.1:5432/chat"),
  PRESENCE_DATABASE_URL: env.url("postgres://chat:chat@127.0.0.1:5432/presence"),
  CASSANDRA_CONTACT_POINTS: env.list("127.0.0.1:9042"),
  CASSANDRA_KEYSPACE: env.string("chat"),
  CASSANDRA_REPLICATION_FACTOR: env.int(1, 1, 9),
});
const logger = createLogger({ service: "migrate" });
if (!config.ok) {
  logger.error(config.error.message);
  Deno.exit(2);
}
const c = config.value;
const root = new URL("../migrations/", import.meta.url).pathname;
const targets = Deno.args.length > 0 ? Deno.args : ["user", "chat", "presence", "cassandra"];

for (const target of targets) {
  switch (target) {
    case "user":
    case "chat":
    case "presence": {
      const urls = {
        user: c.USER_DATABASE_URL,
        chat: c.CHAT_DATABASE_URL,
        presence: c.PRESENCE_DATABASE_URL,
      };
      const sql = connectPostgres({
        url: urls[target],
        max: 1,
        logger,
      });
      try {
        const applied = await migratePostgres(
          sql,
          await readMigrations(root + target, "sql"),
          logger,
        );
        logger.info("migrations up to date", { target, applied });
      } finally {
        await sql.end();
      }
      break;
    }
    case "cassandra": {
      const client = await connectCassandra({ contactPoints: c.CASSANDRA_CONTACT_POINTS });
      try {
        const applied = await migrateCassandra(
          client,
          c.CASSANDRA_KEYSPACE,
          c.CASSANDRA_REPLICATION_FACTOR,
          await readMigrations(root + "cassandra", "cql"),
          logger,
        );
        logger.info("migrations up to date", { target, applied });
      } finally {
        await client.shutdown();
      }
      break;
    }
    default:
      logger.error(
        `unknown migration target "${target}" (expected user, chat, presence or cassandra)`,
      );
      Deno.exit(2);
  }
}
