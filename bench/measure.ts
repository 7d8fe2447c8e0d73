/**
 * What the benchmarks share: CPU from /proc and RSS of the processes they start, percentiles, and
 * the replies of their worker threads.
 */
import { cpuSeconds, servicePid, serviceRssBytes } from "../tests/support/process.ts";

/** Resident memory of a service started by `deno task` (its task pid), in KiB. */
export const rssKiB = async (taskPid: number): Promise<number> =>
  (await serviceRssBytes(taskPid)) / 1024;

/** The value at percentile `p` of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * CPU seconds used from now on by the chat-service instances (by their `deno task` pids),
 * the local Kafka, Cassandra and Postgres (by their pid files under .infra/; Postgres with
 * its backends), this process (the load generator and its workers), and user-service (which
 * should do nothing while chat traffic flows).
 */
export async function cpuMeter(
  chatTaskPids: readonly number[],
  gatewayTaskPids: readonly number[] = [],
  userServiceTaskPid?: number,
) {
  const infra = new URL("../.infra/", import.meta.url).pathname;
  const chatPids = await Promise.all(chatTaskPids.map(servicePid));
  const gatewayPids = (await Promise.all(gatewayTaskPids.map(servicePid))).filter((p) =>
    p !== undefined
  );
  const userServicePids = userServiceTaskPid === undefined
    ? []
    : [await servicePid(userServiceTaskPid)].filter((p) => p !== undefined);
  const pidFile = (path: string) =>
    Deno.readTextFile(`${infra}${path}`).then((t) => [Number(t.split("\n")[0])], () => []);
  const withChildren = async (roots: number[]): Promise<number[]> => {
    const all: number[] = [];
    for (const root of roots) {
      all.push(root);
      const children = await Deno.readTextFile(`/proc/${root}/task/${root}/children`).catch(() =>
        ""
      );
      all.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
    }
    return all;
  };
  const components = {
    kafka: await pidFile("kafka/pid"),
    cassandra: await pidFile("cassandra/pid"),
    postgres: await withChildren(await pidFile("postgres/data/postmaster.pid")),
  };
  const sum = async (pids: readonly number[]) =>
    (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const read = async () => ({
    perInstance: await Promise.all(chatPids.map((pid) => pid === undefined ? 0 : cpuSeconds(pid))),
    kafka: await sum(components.kafka),
    cassandra: await sum(components.cassandra),
    postgres: await sum(components.postgres),
    generator: await sum([Deno.pid]),
    gateway: await sum(gatewayPids),
    userService: await sum(userServicePids),
  });
  const start = await read();
  return {
    async used() {
      const end = await read();
      const kafka = end.kafka - start.kafka;
      const cassandra = end.cassandra - start.cassandra;
      const postgres = end.postgres - start.postgres;
      return {
        perInstance: end.perInstance.map((seconds, i) => seconds - start.perInstance[i]),
        infra: kafka + cassandra + postgres,
        kafka,
        cassandra,
        postgres,
        generator: end.generator - start.generator,
        gateway: end.gateway - start.gateway,
        userService: end.userService - start.userService,
      };
    },
  };
}

/** The next message of `type` from a worker thread (its data: a structured-clone object). */
// deno-lint-ignore no-explicit-any -- worker replies are plain structured-clone objects
export function replies(worker: Worker, type: string): Promise<any> {
  return new Promise((resolve) => {
    const listener = (event: MessageEvent) => {
      if (event.data.type !== type) return;
      worker.removeEventListener("message", listener);
      resolve(event.data);
    };
    worker.addEventListener("message", listener);
  });
}

/** What a delivery worker (deliveries.ts) recorded over one measured phase. */
export interface DeliveryResult {
  readonly deliveries: number;
  readonly latencies: readonly number[];
  readonly sentTimes: readonly number[];
  readonly closedAbnormally: number;
}

/** Starts a measured phase on the delivery workers. */
export function startRecording(workers: readonly Worker[]): void {
  for (const w of workers) w.postMessage({ type: "record", on: true });
}

/** Ends the phase: what each worker recorded, the latencies of all of them in order, and totals. */
export async function stopRecording(workers: readonly Worker[]) {
  const results: DeliveryResult[] = await Promise.all(workers.map((w) => {
    const result = replies(w, "result");
    w.postMessage({ type: "record", on: false });
    return result;
  }));
  return {
    results,
    latencies: results.flatMap((r) => r.latencies).sort((a, b) => a - b),
    deliveries: results.reduce((n, r) => n + r.deliveries, 0),
    abnormal: results.reduce((n, r) => n + r.closedAbnormally, 0),
  };
}
