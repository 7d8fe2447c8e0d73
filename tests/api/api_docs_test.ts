/**
 * The public API's documentation on the embedded mode (docs/api-docs.md): the merged
 * `/openapi.json`, each service's document and `/asyncapi.json` pass Redocly's recommended
 * lint with zero errors (`@redocly/cli`, pinned below, from npm), and `/docs` renders in
 * Chromium without a request to any other origin. The documents and a screenshot are kept in
 * artifacts/api-docs/.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../support/chromium.ts";
import { embeddedMode } from "../support/embedded.ts";
import { fixture } from "../support/fixture.ts";

/** The linter, pinned (an npm package run by Deno's `npm:` specifier). */
export const REDOCLY_CLI = "npm:@redocly/cli@2.77.0";

const artifacts = new URL("../../artifacts/api-docs/", import.meta.url).pathname;
const SERVICES = ["user-service", "chat-service", "presence-service"];

const env = fixture(() => embeddedMode(), (server) => server.stop());

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `api docs: ${name}`, sanitizeResources: false, sanitizeOps: false, fn });

async function fetchJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return await res.json();
}

/** `redocly lint` on `files`: its exit code and what it printed. */
async function redoclyLint(files: readonly string[]): Promise<{ code: number; output: string }> {
  const run = await new Deno.Command(Deno.execPath(), {
    // No network: the documents are linted as they are, and nothing is reported anywhere.
    args: ["run", "--allow-read", "--allow-env", "--allow-sys", REDOCLY_CLI, "lint", ...files],
    env: { NO_COLOR: "1", REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: run.code, output: decode(run.stdout) + decode(run.stderr) };
}

test("the merged, the services' and the AsyncAPI documents pass Redocly's recommended lint", async () => {
  const { url } = await env();
  await Deno.mkdir(artifacts, { recursive: true });
  const documents: Record<string, Record<string, unknown>> = {
    "openapi.json": await fetchJson(`${url}/openapi.json`),
    "asyncapi.json": await fetchJson(`${url}/asyncapi.json`),
  };
  for (const service of SERVICES) {
    documents[`${service}.json`] = await fetchJson(`${url}/openapi/${service}.json`);
  }
  const files = [];
  for (const [name, document] of Object.entries(documents)) {
    const file = `${artifacts}${name}`;
    await Deno.writeTextFile(file, JSON.stringify(document, null, 2));
    files.push(file);
  }
  const { code, output } = await redoclyLint(files);
  await Deno.writeTextFile(`${artifacts}lint.txt`, output);
  assert.equal(code, 0, `redocly lint found errors (${artifacts}lint.txt):\n${output}`);
  assert.match(output, /Your API descriptions? (is|are) valid/);
});

test("/openapi.json is every service's operations on one origin, each named and secured", async () => {
  const { url } = await env();
  const merged = await fetchJson(`${url}/openapi.json`);
  const operations = (doc: Record<string, unknown>) =>
    Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)
      .flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => ({ path, method, op }))
      );
  const all = operations(merged);
  for (const service of SERVICES) {
    const own = operations(await fetchJson(`${url}/openapi/${service}.json`));
    assert.ok(own.length > 0, service);
    for (const { path, method } of own) {
      assert.ok(all.some((o) => o.path === path && o.method === method), `${method} ${path}`);
    }
  }
  const publicOperations = new Set(["register", "login", "loginUnderUsers", "refreshSession"]);
  for (const { path, method, op } of all) {
    const name = `${method.toUpperCase()} ${path}`;
    assert.equal(typeof op.summary, "string", name);
    assert.equal(typeof op.operationId, "string", name);
    assert.ok(Array.isArray(op.tags) && op.tags.length > 0, name);
    const expected = publicOperations.has(String(op.operationId)) ? [] : [{ bearerAuth: [] }];
    assert.deepEqual(op.security, expected, name);
    // Authenticated routes say what a bad token gets; every route names its errors one by one.
    const statuses = Object.keys(op.responses as Record<string, unknown>);
    if (expected.length > 0) assert.ok(statuses.includes("401"), name);
    assert.ok(!statuses.includes("default"), name);
  }
  assert.deepEqual(merged.servers, [{ url: "/", description: "The origin serving this document" }]);
});

test("/docs renders the API in Chromium, from this origin only", async () => {
  const { url } = await env();
  const origin = new URL(url).origin;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const elsewhere: string[] = [];
    // Offline: any request to another origin is refused and recorded.
    await page.route("**/*", (route) => {
      const target = route.request().url();
      if (new URL(target).origin === origin || target.startsWith("data:")) {
        return route.continue();
      }
      elsewhere.push(target);
      return route.abort();
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`${url}/docs`);
    // Swagger UI has fetched /openapi.json and drawn an entry per operation.
    await page.locator(".opblock").nth(20).waitFor({ timeout: 30_000 });
    const operations = await page.locator(".opblock").count();
    assert.ok(operations >= 20, `${operations} operations drawn`);
    assert.ok(await page.getByText("Send a message").first().isVisible());
    assert.ok(await page.locator("#asyncapi").getByText("new_message").first().isVisible());
    await Deno.mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}docs.png` });
    // An operation opened: its parameters, body and the errors this route can give.
    await page.locator(".opblock-summary", { hasText: "/api/channels/{id}/messages" }).first()
      .click();
    const responses = page.locator(".responses-table").first();
    await responses.waitFor();
    for (const status of ["201", "401", "404", "422", "429", "503"]) {
      assert.ok(await responses.getByText(status, { exact: true }).first().isVisible(), status);
    }
    await responses.getByText("503", { exact: true }).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${artifacts}docs-operation.png` });
    await page.locator("#asyncapi").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${artifacts}docs-asyncapi.png` });
    assert.deepEqual(elsewhere, [], "the page asked another origin");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
