/**
 * Private Kafka and Cassandra for the fault tests: the same versions, jars
 * (resolved by `./deno task infra:up` into ~/.cache/chat-ts) and settings as
 * scripts/infra, on ports and in a data folder of the test's own, so killing
 * one never disturbs anyone else's tests on the machine. Heaps are smaller
 * than the shared ones' (a test's traffic is light).
 */
import { connectCassandra } from "@chat-ts/shared/cassandra";
import { DEPLOYMENT_TOPICS } from "@chat-ts/shared/events";
import { createKafka } from "@chat-ts/shared/kafka";
import { silentLogger } from "@chat-ts/shared/logger";
import { migrateCassandra, readMigrations } from "@chat-ts/shared/migrations";
import { freePort } from "./process.ts";

const root = new URL("../../", import.meta.url).pathname;
const infra = `${root}scripts/infra`;
const cache = Deno.env.get("CHAT_TS_CACHE") ?? `${Deno.env.get("HOME")}/.cache/chat-ts`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function portOpen(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

/** One JVM server: started, SIGKILLed and started again on the same data. */
abstract class PrivateJvm {
  #process: Deno.ChildProcess | undefined;
  dir = "";

  /** What differs between the servers' command lines (see `#javaArgs`). */
  protected abstract jvm(): {
    /** Initial and maximum heap alike, e.g. "384m". */
    readonly heap: string;
    readonly options: readonly string[];
    readonly classpath: string;
    /** The main class and its arguments. */
    readonly main: readonly string[];
  };
  /** Its client port, a free one of its own. */
  readonly port = freePort();
  protected abstract readonly name: string;

  /** Starts the JVM and waits until its client port answers. */
  async start(timeoutMs = 180_000): Promise<void> {
    const log = await Deno.open(`${this.dir}/stdout.log`, {
      create: true,
      append: true,
      write: true,
    });
    this.#process = new Deno.Command("java", {
      args: this.#javaArgs(),
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    void this.#process.stdout.pipeTo(log.writable).catch(() => {});
    void this.#process.stderr.cancel();
    const exited = this.#process.status.then(() => true);
    const deadline = Date.now() + timeoutMs;
    while (!(await portOpen(this.port))) {
      if (await Promise.race([exited, sleep(200).then(() => false)])) {
        throw new Error(`private ${this.name} exited during start-up; see ${this.dir}`);
      }
      if (Date.now() > deadline) throw new Error(`private ${this.name} did not start in time`);
    }
  }

  /** A fixed heap, and out of memory ends the JVM (a test sees it exit, not hang), then `jvm()`. */
  #javaArgs(): string[] {
    const { heap, options, classpath, main } = this.jvm();
    return [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      "-XX:+ExitOnOutOfMemoryError",
      ...options,
      "-cp",
      classpath,
      ...main,
    ];
  }

  async kill(): Promise<void> {
    const process = this.#process;
    this.#process = undefined;
    if (process === undefined) return;
    try {
      process.kill("SIGKILL");
    } catch { /* gone */ }
    await process.status;
  }

  async destroy(): Promise<void> {
    await this.kill();
    if (this.dir !== "") await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

export class PrivateKafka extends PrivateJvm {
  readonly #controllerPort = freePort();
  protected readonly name = "Kafka";
  readonly #libs = `${cache}/kafka-3.9.1/libs`;

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  protected jvm() {
    return {
      heap: "384m",
      options: [
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        `-Dlog4j.configuration=file:${infra}/kafka/log4j.properties`,
        `-Dkafka.logs.dir=${this.dir}/logs`,
      ],
      classpath: `${this.#libs}/*`,
      main: ["kafka.Kafka", `${this.dir}/server.properties`],
    };
  }

  /** Formats its storage, starts it and creates the topics. */
  async create(): Promise<void> {
    this.dir = await Deno.makeTempDir({ prefix: "chat-ts-faults-kafka-" });
    const base = await Deno.readTextFile(`${infra}/kafka/server.properties`);
    const properties = base
      .replaceAll("127.0.0.1:9093", `127.0.0.1:${this.#controllerPort}`)
      .replaceAll("127.0.0.1:9092", `127.0.0.1:${this.port}`) +
      `\nlog.dirs=${this.dir}/data\n`;
    await Deno.writeTextFile(`${this.dir}/server.properties`, properties);
    const format = await new Deno.Command("java", {
      args: [
        "-Xmx128m",
        "-cp",
        `${this.#libs}/*`,
        `-Dlog4j.configuration=file:${infra}/kafka/log4j.properties`,
        "kafka.tools.StorageTool",
        "format",
        "--ignore-formatted",
        "-t",
        crypto.randomUUID().replaceAll("-", "").slice(0, 22),
        "-c",
        `${this.dir}/server.properties`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!format.success) {
      throw new Error(`kafka format: ${new TextDecoder().decode(format.stderr)}`);
    }
    await this.start();
    const admin = createKafka({
      brokers: [this.brokers],
      clientId: "faults-provision",
      logger: silentLogger,
      retry: { initialRetryTime: 300, retries: 20 },
    }).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: DEPLOYMENT_TOPICS.map((t) => ({ ...t, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
  }
}

export class PrivateCassandra extends PrivateJvm {
  readonly #storagePort = freePort();
  readonly #jmxPort = freePort();
  protected readonly name = "Cassandra";

  get contactPoints(): string {
    return `127.0.0.1:${this.port}`;
  }

  protected jvm() {
    return {
      heap: "768m",
      options: [
        "-Xss256k",
        ...this.#jvmOptions,
        `-Dcassandra.config=file://${this.dir}/cassandra.yaml`,
        `-Dcassandra.storagedir=${this.dir}`,
        `-Dcassandra.logdir=${this.dir}/logs`,
        `-Dlogback.configurationFile=${infra}/cassandra/logback.xml`,
        "-Dcassandra-foreground=yes",
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        `-Dcassandra.jmx.local.port=${this.#jmxPort}`,
      ],
      classpath: `${cache}/cassandra-5.0.9/libs/*`,
      main: ["org.apache.cassandra.service.CassandraDaemon"],
    };
  }

  #jvmOptions: string[] = [];

  /** Starts it with its own ports and data, then creates the keyspace and its tables. */
  async create(): Promise<void> {
    this.dir = await Deno.makeTempDir({ prefix: "chat-ts-faults-cassandra-" });
    const yaml = await Deno.readTextFile(`${infra}/cassandra/cassandra.yaml`);
    await Deno.writeTextFile(
      `${this.dir}/cassandra.yaml`,
      yaml
        .replace('"127.0.0.1:7000"', `"127.0.0.1:${this.#storagePort}"`)
        .replace(/^storage_port: 7000$/m, `storage_port: ${this.#storagePort}`)
        .replace(/^native_transport_port: 9042$/m, `native_transport_port: ${this.port}`)
        // An answered send must survive a SIGKILL of Cassandra: with `periodic` sync, writes
        // acknowledged just before the kill were lost on restart (docs/faults.md). `group`
        // acknowledges a write once its commit log section is synced.
        .replace(/^commitlog_sync: periodic$/m, "commitlog_sync: group")
        .replace(/^commitlog_sync_period: 10000ms$/m, "commitlog_sync_group_window: 5ms"),
    );
    this.#jvmOptions = (await Deno.readTextFile(`${infra}/cassandra/jvm17.options`))
      .split("\n").map((l) => l.trim()).filter((l) => l.startsWith("-"));
    await this.start();
    const client = await this.#connect();
    try {
      await migrateCassandra(
        client,
        "chat",
        1,
        await readMigrations(`${root}migrations/cassandra`, "cql"),
        silentLogger,
      );
    } finally {
      await client.shutdown();
    }
  }

  /** The native port opens before CQL is served: retry the first connection. */
  async #connect() {
    for (let attempt = 0;; attempt++) {
      try {
        return await connectCassandra({ contactPoints: [this.contactPoints] });
      } catch (error) {
        if (attempt > 50) throw error;
        await sleep(500);
      }
    }
  }
}
