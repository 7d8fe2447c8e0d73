/**
 * One OpenAPI document for the whole public API, merged from the services' own documents (each
 * generated from its zod schemas): what the gateway and the embedded mode serve at
 * `/openapi.json`. The services' paths do not overlap (the gateway routes by them), so merging is
 * a union; a path, operation id or component two services define differently is a bug in one of
 * them, and merging refuses it rather than let one silently win.
 */
import { z } from "zod";
import { API_SERVER, API_VERSION, COMMON_ANSWERS } from "./openapi.ts";

const Json = z.record(z.string(), z.unknown());

/** What merging reads of a service's document; the rest of each part is kept as it is. */
const ServiceDocument = z.looseObject({
  openapi: z.string().startsWith("3.0."),
  info: z.looseObject({ title: z.string(), description: z.string().optional() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.record(z.string(), Json).optional(),
  tags: z.array(z.looseObject({ name: z.string() })).optional(),
});

export interface MergedInfo {
  readonly title: string;
  readonly description: string;
}

/** The public API's title and introduction, wherever the merged document is served. */
export const PUBLIC_API: MergedInfo = {
  title: "chat-ts",
  description: "The public HTTP API of chat-ts: accounts and sessions (user-service), " +
    "channels and messages (chat-service) and presence (presence-service), on one origin. " +
    "Live delivery is the WebSocket at `/ws`, described by the AsyncAPI document " +
    "(`/asyncapi.json`). Limits: docs/limits.md; outages: docs/faults.md.",
};

export type OpenApiDocument = Record<string, unknown>;

const OPERATION_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

/** The services' documents as one; throws naming the conflict when two disagree. */
export function mergeOpenApiDocuments(
  documents: readonly unknown[],
  info: MergedInfo,
): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, Record<string, unknown>> = {};
  const tags = new Map<string, unknown>();
  const operationIds = new Map<string, string>();
  const sections: string[] = [];
  for (const raw of documents) {
    const parsed = ServiceDocument.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`not an OpenAPI 3.0 document: ${z.prettifyError(parsed.error)}`);
    }
    const doc = parsed.data;
    const source = doc.info.title;
    for (const [path, item] of Object.entries(doc.paths)) {
      const merged = paths[path] ??= {};
      for (const [method, operation] of Object.entries(item)) {
        if (method in merged) {
          throw new Error(`${method.toUpperCase()} ${path} is in two documents`);
        }
        merged[method] = operation;
        if (!OPERATION_METHODS.has(method)) continue;
        const id = operationIdOf(operation);
        if (id === undefined) continue;
        const other = operationIds.get(id);
        if (other !== undefined) throw new Error(`operationId ${id}: ${other} and ${source}`);
        operationIds.set(id, source);
      }
    }
    for (const [section, entries] of Object.entries(doc.components ?? {})) {
      const merged = components[section] ??= {};
      for (const [name, value] of Object.entries(entries)) {
        if (name in merged && JSON.stringify(merged[name]) !== JSON.stringify(value)) {
          throw new Error(`components.${section}.${name} differs in ${source}`);
        }
        merged[name] = value;
      }
    }
    for (const tag of doc.tags ?? []) if (!tags.has(tag.name)) tags.set(tag.name, tag);
    if (doc.info.description !== undefined) {
      sections.push(`**${source}**: ${doc.info.description.split("\n\n")[0]}`);
    }
  }
  return {
    openapi: "3.0.3",
    info: {
      title: info.title,
      version: API_VERSION,
      description: [info.description, ...sections, COMMON_ANSWERS].join("\n\n"),
    },
    servers: [API_SERVER],
    tags: [...tags.values()],
    paths,
    components,
  };
}

function operationIdOf(operation: unknown): string | undefined {
  if (typeof operation !== "object" || operation === null) return undefined;
  if (!("operationId" in operation)) return undefined;
  return typeof operation.operationId === "string" ? operation.operationId : undefined;
}
