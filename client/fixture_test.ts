/**
 * `@chat-ts/client` works for a project outside the workspace: tests/client_fixture is copied
 * to a temporary folder (outside the repository, so no workspace config applies), the client
 * is vendored next to it by `vendorClient` (the `vendor` task), and `deno check` runs there.
 */
import assert from "node:assert/strict";
import { vendorClient } from "./vendor.ts";

const fixture = new URL("../tests/client_fixture/", import.meta.url);

async function check(cwd: string, file: string): Promise<{ success: boolean; output: string }> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", file],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  // deno-lint-ignore no-control-regex
  const output = (decoder.decode(stdout) + decoder.decode(stderr)).replace(/\x1b\[[0-9;]*m/g, "");
  return { success, output };
}

Deno.test({
  name: "client: a project outside the workspace type-checks against the vendored client",
  async fn() {
    const project = await Deno.makeTempDir({ prefix: "chat-ts-client-fixture-" });
    try {
      const config = await Deno.readTextFile(new URL("deno.json", fixture));
      const { imports, ...rest } = JSON.parse(config);
      // The claim of the fixture: one import-map entry and nothing else to configure.
      assert.deepEqual(imports, { "@chat-ts/client": "./vendor/client/mod.ts" });
      assert.deepEqual(rest, {});
      await Deno.writeTextFile(`${project}/deno.json`, config);
      const source = await Deno.readTextFile(new URL("uses_client.ts", fixture));
      await Deno.writeTextFile(`${project}/uses_client.ts`, source);

      const files = await vendorClient(`${project}/vendor`);
      assert.ok(files.includes("client/mod.ts"));

      const good = await check(project, "uses_client.ts");
      assert.ok(good.success, good.output);

      // Without the `@ts-expect-error` markers each wrong field must be a type error.
      const marker = /^\s*\/\/ @ts-expect-error.*\n/gm;
      const expectations = source.match(marker) ?? [];
      assert.equal(expectations.length, 3);
      const wrong = source.replaceAll(marker, "");
      await Deno.writeTextFile(`${project}/wrong_fields.ts`, wrong);
      const bad = await check(project, "wrong_fields.ts");
      assert.equal(bad.success, false);
      assert.match(bad.output, /Found 3 errors/);
      for (const field of ["user_name", "text", "channel"]) {
        assert.match(bad.output, new RegExp(`'${field}'`), `no type error names ${field}`);
      }
    } finally {
      await Deno.remove(project, { recursive: true });
    }
  },
});
