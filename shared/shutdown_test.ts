import assert from "node:assert/strict";

/** Runs a script that installs `exitOnUncaughtErrors` and then fails as `failure` says. */
async function crashWith(failure: string) {
  const script = `
    import { createLogger } from "${new URL("./logger.ts", import.meta.url).href}";
    import { exitOnUncaughtErrors } from "${new URL("./shutdown.ts", import.meta.url).href}";
    exitOnUncaughtErrors(createLogger({ service: "crash-test" }));
    ${failure}
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = output.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { code, stdout, stderr } = await output.output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

for (
  const [name, failure] of [
    [
      "a rejected top-level await (start-up)",
      `await Promise.reject(new Error("topic does not exist"));`,
    ],
    [
      "a rejection nothing awaits",
      `Promise.reject(new Error("topic does not exist")); await new Promise(() => {});`,
    ],
    [
      "an uncaught throw in a timer",
      `setTimeout(() => { throw new Error("topic does not exist"); }, 1);`,
    ],
  ] as const
) {
  Deno.test(`exitOnUncaughtErrors: ${name} is one log line and exit code 1`, async () => {
    const { code, stdout, stderr } = await crashWith(failure);
    assert.equal(code, 1);
    assert.equal(stderr, "", "no Deno stack-trace dump");
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]);
    assert.equal(line.level, "error");
    assert.match(line.message, /^stopped/);
    assert.match(JSON.stringify(line.error), /topic does not exist/);
  });
}
