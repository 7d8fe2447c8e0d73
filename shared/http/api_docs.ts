/**
 * The public API's documentation as a small Hono app, mounted at `/` by whatever serves the
 * public origin (the embedded mode now, the gateway later): `GET /openapi.json` (the merged
 * document), `GET /asyncapi.json`, and `GET /docs`, a page that renders the OpenAPI document with
 * Swagger UI and lists the WebSocket frames and Kafka events of the AsyncAPI document.
 *
 * Swagger UI's files come from the swagger-ui-dist npm package (pinned in deno.json) and are
 * served from here: the page loads nothing from any other origin, and runs no inline script, so
 * it works offline and under a `script-src 'self'` Content-Security-Policy.
 */
import { Hono } from "hono";
import getSwaggerUiPath from "swagger-ui-dist/absolute-path.js";
import { z } from "zod";
import { errorResponse } from "./errors.ts";

export interface ApiDocsSources {
  /** The merged OpenAPI document (`mergeOpenApiDocuments`); asked once, on first use. */
  readonly openapi: () => Promise<unknown>;
  /** The AsyncAPI 3 document (`buildAsyncApiDocument`); asked once. */
  readonly asyncapi: () => unknown;
  /** The page's title. */
  readonly title?: string;
}

/** Swagger UI's files the page uses, by the name it is served under. */
const SWAGGER_FILES: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

/** Our start-up script: a file, not inline, so a strict CSP needs no exception. */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#openapi",
  deepLinking: true,
  displayOperationId: true,
  // The default validator badge asks a public server: nothing leaves this origin.
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

const PAGE_STYLE = `body { margin: 0; font-family: system-ui, sans-serif; color: #222; }
header { padding: 1rem 2rem; border-bottom: 1px solid #ddd; }
header h1 { margin: 0 0 .25rem; font-size: 1.5rem; }
header nav a { margin-right: 1rem; }
#asyncapi { padding: 0 2rem 2rem; }
#asyncapi table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
#asyncapi th, #asyncapi td { text-align: left; border-bottom: 1px solid #eee; padding: .35rem .5rem;
  vertical-align: top; }
#asyncapi code { font-size: .9em; }
`;

const ASSET_CACHE = "public, max-age=3600";

export function apiDocs(sources: ApiDocsSources) {
  const title = sources.title ?? "chat-ts API";
  let openapi: Promise<unknown> | undefined;
  const openApiDocument = () => {
    // Built once; a failure is not kept, so the next request tries again.
    openapi ??= sources.openapi().catch((error) => {
      openapi = undefined;
      throw error;
    });
    return openapi;
  };
  let page: string | undefined;
  let asyncapi: unknown;
  const asyncApiDocument = () => asyncapi ??= sources.asyncapi();
  return new Hono()
    .get("/openapi.json", async (c) => {
      try {
        return c.json(await openApiDocument());
      } catch {
        // A service behind the gateway did not give its document: an outage, not a bug.
        c.header("Retry-After", "5");
        return errorResponse(
          c,
          503,
          "unavailable",
          "The API document cannot be put together now; try again shortly",
        );
      }
    })
    .get("/asyncapi.json", (c) => c.json(asyncApiDocument()))
    .get("/docs", (c) => {
      page ??= docsPage(title, asyncApiDocument());
      return c.html(page);
    })
    .get("/docs/assets/docs.js", (c) =>
      c.body(INIT_SCRIPT, 200, {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": ASSET_CACHE,
      }))
    .get("/docs/assets/docs.css", (c) =>
      c.body(PAGE_STYLE, 200, {
        "content-type": "text/css; charset=utf-8",
        "cache-control": ASSET_CACHE,
      }))
    .get("/docs/assets/:file", async (c) => {
      const file = c.req.param("file");
      const type = SWAGGER_FILES[file];
      if (type === undefined) return errorResponse(c, 404, "not_found", `No asset ${file}`);
      const body = await Deno.readFile(`${getSwaggerUiPath()}/${file}`);
      return c.body(body, 200, { "content-type": type, "cache-control": ASSET_CACHE });
    });
}

/** What the page reads of the AsyncAPI document: its operations, grouped by channel. */
const AsyncApiOperations = z.looseObject({
  info: z.looseObject({ description: z.string().optional() }).optional(),
  channels: z.record(
    z.string(),
    z.looseObject({
      address: z.string(),
      description: z.string().optional(),
      bindings: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  operations: z.record(
    z.string(),
    z.looseObject({
      action: z.enum(["send", "receive"]),
      channel: z.object({ $ref: z.string() }),
      summary: z.string().optional(),
      messages: z.array(z.object({ $ref: z.string() })),
    }),
  ),
});

function docsPage(title: string, asyncapi: unknown): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/docs/assets/docs.css">
</head>
<body>
<header>
<h1>${escape(title)}</h1>
<nav><a href="#openapi">HTTP API</a><a href="#asyncapi">WebSocket and Kafka</a>` +
    `<a href="/openapi.json">openapi.json</a><a href="/asyncapi.json">asyncapi.json</a></nav>
</header>
<main>
<div id="openapi"></div>
<section id="asyncapi">${asyncApiSection(asyncapi)}</section>
</main>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs.js"></script>
</body>
</html>
`;
}

function asyncApiSection(raw: unknown): string {
  const parsed = AsyncApiOperations.safeParse(raw);
  if (!parsed.success) return "<p>The AsyncAPI document could not be read.</p>";
  const doc = parsed.data;
  const last = (ref: string) => ref.slice(ref.lastIndexOf("/") + 1);
  const byChannel = new Map<string, string[]>();
  for (const operation of Object.values(doc.operations)) {
    const channel = last(operation.channel.$ref);
    const rows = byChannel.get(channel) ?? [];
    // The operations are the platform's point of view: it receives client frames and consumes
    // events; it sends server frames and publishes events.
    const socket = doc.channels[channel]?.bindings?.ws !== undefined;
    const receives = operation.action === "receive";
    const direction = socket
      ? (receives ? "client → server" : "server → client")
      : (receives ? "consumed" : "published");
    for (const message of operation.messages) {
      rows.push(
        `<tr><td><code>${escape(last(message.$ref))}</code></td><td>${direction}</td>` +
          `<td>${escape(operation.summary ?? "")}</td></tr>`,
      );
    }
    byChannel.set(channel, rows);
  }
  const tables = [...byChannel].map(([id, rows]) => {
    const channel = doc.channels[id];
    return `<h3><code>${escape(channel?.address ?? id)}</code></h3>
<p>${escape(channel?.description ?? "")}</p>
<table><thead><tr><th>message</th><th>direction</th><th>what it does</th></tr></thead>
<tbody>${rows.join("")}</tbody></table>`;
  });
  return `<h2>WebSocket and Kafka (AsyncAPI 3)</h2>
<p>${escape(doc.info?.description ?? "")} The payload schemas are in ` +
    `<a href="/asyncapi.json">asyncapi.json</a>.</p>
${tables.join("\n")}`;
}

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}
