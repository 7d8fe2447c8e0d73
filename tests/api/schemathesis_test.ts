/**
 * The OpenAPI documents tell the truth: schemathesis (PyPI, pinned in
 * scripts/install_schemathesis.sh) fuzzes chat-service's, presence-service's and
 * user-service's documents against the embedded mode (the same HTTP code as the real
 * deployment), every check on, a bounded number of examples per operation. Any 5xx, any
 * response the document does not describe, any schema-valid request refused or schema-invalid
 * one accepted fails the run. Each run's full output is kept in artifacts/schemathesis/.
 */
import assert from "node:assert/strict";
import { freePort, type ServiceProcess, startTask } from "../support/process.ts";
import { registerUser } from "../support/stack.ts";

const root = new URL("../../", import.meta.url).pathname;
const st = `${root}.tools/schemathesis/bin/st`;
const artifacts = `${root}artifacts/schemathesis`;
/** Examples per operation and phase: ~1 min a document on a busy 2-core machine. */
const MAX_EXAMPLES = Number(Deno.env.get("SCHEMATHESIS_MAX_EXAMPLES") ?? "20");

/** The schemathesis command line for one document (printed, so a failure can be rerun). */
export function schemathesisArgs(base: string, document: string, token: string): string[] {
  return [
    "--config-file",
    `${root}tests/api/schemathesis.toml`,
    "run",
    `${base}/openapi/${document}.json`,
    "--url",
    base,
    "--header",
    `Authorization: Bearer ${token}`,
    "--checks",
    "all",
    "--max-examples",
    String(MAX_EXAMPLES),
    "--workers",
    "2",
    "--request-timeout",
    "10",
    // Every string field and key refuses NUL with 400/422 (docs/http.md, "Text"): OpenAPI 3.0
    // cannot say so for object keys and query values short of a pattern on every string, so
    // NUL is left out of generated data rather than reported as "valid data rejected".
    "--generation-allow-x00",
    "false",
    "--generation-database",
    "none",
    "--no-color",
  ];
}

async function session(base: string, name: string): Promise<string> {
  return (await registerUser(base, name)).token;
}

Deno.test({
  name:
    "openapi: schemathesis finds no 5xx and no mismatch between document and behaviour (chat, presence, user)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const installed = await Deno.stat(st).then(() => true, () => false);
    assert.ok(installed, `schemathesis is missing: run bash scripts/install_schemathesis.sh`);
    await Deno.mkdir(artifacts, { recursive: true });
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = `../data/schemathesis-${crypto.randomUUID()}`;
    const server: ServiceProcess = await startTask({
      cwd: `${root}embedded`,
      task: "start",
      env: {
        HTTP_PORT: String(port),
        DATA_DIR: dataDir,
        JWT_SECRET: Deno.env.get("JWT_SECRET") ?? "test-secret-for-chat-ts-integration-tests",
        LOG_LEVEL: "error",
        // Fuzzing creates channels and sends messages far faster than a person: the limits'
        // 429s are documented, but here they would hide every other answer.
        CHANNELS_PER_USER_PER_HOUR: "100000",
        MESSAGES_PER_USER_PER_WINDOW: "100000",
        GATEWAY_AUTH_PER_ADDRESS: "1000000",
        GATEWAY_SEND_PER_ADDRESS: "1000000",
        GATEWAY_SEND_PER_USER: "1000000",
        GATEWAY_CHANNEL_CREATE_PER_ADDRESS: "1000000",
        GATEWAY_CHANNEL_CREATE_PER_USER: "1000000",
        GATEWAY_OTHER_PER_ADDRESS: "1000000",
        GATEWAY_OTHER_PER_USER: "1000000",
      },
      readyUrl: `${base}/health/ready`,
      timeoutMs: 90_000,
    });
    try {
      // Each run has its own session. Ending it (logout) or the account (DELETE) part way
      // through a run would change the answers under the other operations' feet, so those two
      // run on their own, last.
      const runs: { name: string; document: string; filter: string[] }[] = [
        { name: "chat-service", document: "chat-service", filter: [] },
        { name: "presence-service", document: "presence-service", filter: [] },
        {
          name: "user-service",
          document: "user-service",
          filter: ["--exclude-path", "/api/auth/logout", "--exclude-method", "DELETE"],
        },
        {
          name: "user-service logout",
          document: "user-service",
          filter: ["--include-path", "/api/auth/logout"],
        },
        {
          name: "user-service delete",
          document: "user-service",
          filter: ["--include-method", "DELETE"],
        },
      ];
      // Logged in before any fuzzing: its failed logins throttle this client address.
      const tokens = await Promise.all(runs.map(() => session(base, "fuzz")));
      for (const [i, { name, document, filter }] of runs.entries()) {
        await t.step(name, async () => {
          const token = tokens[i];
          const args = [...schemathesisArgs(base, document, token), ...filter];
          console.log(`st ${args.join(" ").replace(token, "$TOKEN")}`);
          const run = await new Deno.Command(st, {
            args,
            // Its crash cache (.schemathesis/) goes there too, not into the work tree.
            cwd: artifacts,
            env: { NO_COLOR: "1", SCHEMATHESIS_TELEMETRY: "false" },
            stdout: "piped",
            stderr: "piped",
          }).output();
          const output = new TextDecoder().decode(run.stdout) +
            new TextDecoder().decode(run.stderr);
          const file = `${artifacts}/${name.replaceAll(" ", "-")}.txt`;
          await Deno.writeTextFile(file, output);
          const summary = output.slice(output.lastIndexOf("SUMMARY"));
          console.log(summary);
          assert.equal(
            run.code,
            0,
            `schemathesis found problems in ${document}'s document (${file}):\n${output}`,
          );
        });
      }
    } finally {
      await server.stop();
      await Deno.remove(`${root}embedded/${dataDir}`, { recursive: true }).catch(() => {});
    }
  },
});
