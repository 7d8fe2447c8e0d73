/**
 * The embedded mode runs without Cassandra, Kafka or gRPC, so it must not
 * load their drivers: a module graph without them starts faster and keeps
 * their native and network code out of a one-command trial.
 */
import assert from "node:assert/strict";

const DRIVERS = ["cassandra-driver", "kafkajs", "@grpc/grpc-js", "@grpc/proto-loader"];

Deno.test("embedded: the module graph of embedded/main.ts contains no Cassandra, Kafka or gRPC driver", async () => {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", main],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const graph: { modules: { specifier: string; dependencies?: { specifier: string }[] }[] } = JSON
    .parse(new TextDecoder().decode(output.stdout));
  const imports = graph.modules.flatMap((m) =>
    (m.dependencies ?? []).map((d) => ({ from: m.specifier, to: d.specifier }))
  );
  assert.ok(imports.length > 100, "the graph was read");
  const offending = imports.filter(({ to }) =>
    DRIVERS.some((driver) =>
      to === driver || to.startsWith(`npm:${driver}`) || to.startsWith(`${driver}/`)
    )
  );
  assert.deepEqual(offending, []);
});
