/**
 * Idle cost (issue #19's target: ≤ 0.5 % of a core per idle service): starts user-service,
 * presence-service and two chat-service instances on the local infrastructure, lets them
 * settle, then measures each process's CPU (from /proc/<pid>/stat) over a window with no
 * clients and no traffic. A script that prints figures; not a test.
 *
 * The first minute after a start costs more than the steady state (a chat-service instance:
 * 0.67 % over seconds 10–50, 0.35–0.40 % over seconds 5–305), so the window begins after
 * `--settle` seconds.
 *
 * ./deno run -A bench/idle.ts [--settle 30] [--seconds 90] [--chat-env NAME=VALUE ...]
 * (infrastructure up and migrated: ./deno task infra:up && ./deno task migrate)
 */
import { cpuSeconds, servicePid } from "../tests/support/process.ts";
import { startStack } from "../tests/support/stack.ts";
import { arg, envArgs } from "./args.ts";

const SETTLE = arg("settle", 30);
const SECONDS = arg("seconds", 90);

/** `--chat-env NAME=VALUE`: a variable for the chat-service instances (e.g. a fetch wait to compare). */
const chatEnv = envArgs("chat-env");

const stack = await startStack({ presence: {}, chatEnv });
try {
  const tasks: [string, number | undefined][] = [
    ["user-service", stack.userPid],
    ["presence-service", stack.presencePid],
    ...stack.chatPids.map((pid, i): [string, number] => [`chat-service ${i}`, pid]),
  ];
  const processes = await Promise.all(
    tasks.map(async ([name, task]) => ({
      name,
      pid: task === undefined ? undefined : await servicePid(task),
    })),
  );
  await new Promise((r) => setTimeout(r, SETTLE * 1000));
  const before = await Promise.all(processes.map((p) => p.pid ? cpuSeconds(p.pid) : 0));
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const wall = (performance.now() - started) / 1000;
  const after = await Promise.all(processes.map((p) => p.pid ? cpuSeconds(p.pid) : 0));
  console.log(`idle for ${wall.toFixed(0)} s after ${SETTLE} s settling (no clients, no traffic):`);
  processes.forEach((p, i) => {
    const used = after[i] - before[i];
    console.log(
      `  ${p.name.padEnd(18)} ${(used / wall * 100).toFixed(2)} % of a core (${used.toFixed(2)} s)`,
    );
  });
} finally {
  await stack.stop();
}
