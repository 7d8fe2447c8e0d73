/**
 * Copies `@chat-ts/client` and every local module it reaches (types included: the services'
 * route types) into one folder that needs no import map: workspace names become relative paths
 * and npm names become pinned `npm:` specifiers. Another project then needs one import-map
 * entry, `"@chat-ts/client": "<folder>/client/mod.ts"`.
 *
 *   deno task --cwd client vendor <folder>
 *
 * The module graph is Deno's own (`deno info --json`), so what is copied is exactly what
 * `deno check` of the client reads.
 */
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

interface Resolved {
  readonly specifier: string;
}
interface Dependency {
  readonly specifier: string;
  readonly code?: Resolved;
  readonly type?: Resolved;
}
interface GraphModule {
  readonly specifier: string;
  readonly dependencies?: readonly Dependency[];
  readonly error?: string;
}

const root = new URL("../", import.meta.url);
const entry = new URL("mod.ts", import.meta.url);

/** Writes the vendored client under `outDir`; returns the files written, relative to it. */
export async function vendorClient(outDir: string): Promise<string[]> {
  const graph = await moduleGraph();
  const local = graph.filter((m) => m.specifier.startsWith("file:"));
  const written: string[] = [];
  for (const module of local) {
    if (module.error !== undefined) throw new Error(`${module.specifier}: ${module.error}`);
    const path = repoPath(module.specifier);
    const source = await Deno.readTextFile(new URL(module.specifier));
    const target = join(outDir, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeTextFile(target, rewrite(source, path, module.dependencies ?? []));
    written.push(path);
  }
  return written;
}

async function moduleGraph(): Promise<GraphModule[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", fromFileUrl(entry)],
    cwd: fromFileUrl(root),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno info failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  const info: { modules: GraphModule[] } = JSON.parse(new TextDecoder().decode(output.stdout));
  return info.modules;
}

function repoPath(fileUrl: string): string {
  const path = relative(fromFileUrl(root), fromFileUrl(fileUrl));
  if (path.startsWith("..")) throw new Error(`${fileUrl} is outside the repository`);
  return path;
}

/** The specifier a vendored file uses for `resolved`, from the file at `from` (repo-relative). */
function vendoredSpecifier(resolved: string, from: string): string {
  if (resolved.startsWith("npm:/")) return `npm:${resolved.slice("npm:/".length)}`;
  // npm packages by their pinned name, Node's built-ins as they are: both resolve anywhere.
  if (resolved.startsWith("npm:") || resolved.startsWith("node:")) return resolved;
  if (!resolved.startsWith("file:")) throw new Error(`cannot vendor ${resolved}`);
  const path = relative(dirname(from), repoPath(resolved)).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

/**
 * Replaces every import and export specifier with the vendored one. Deno's graph lists a
 * specifier once per module, however often it is imported, so every `from "…"`, `import "…"`
 * and `import("…")` of it is rewritten.
 */
function rewrite(source: string, from: string, dependencies: readonly Dependency[]): string {
  let text = source;
  for (const dependency of dependencies) {
    const resolved = dependency.code ?? dependency.type;
    if (resolved === undefined) continue;
    const target = vendoredSpecifier(resolved.specifier, from);
    const literal = escapeRegExp(dependency.specifier);
    text = text.replace(
      new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(?\\s*)(["'])${literal}\\2`, "g"),
      (_match, before: string, quote: string) => `${before}${quote}${target}${quote}`,
    );
  }
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

if (import.meta.main) {
  const [outDir] = Deno.args;
  if (outDir === undefined) {
    console.error("usage: deno task --cwd client vendor <folder>");
    Deno.exit(2);
  }
  const files = await vendorClient(outDir);
  console.log(`vendored ${files.length} modules into ${outDir}; import ${outDir}/client/mod.ts`);
}
