/**
 * The browser client's files as a server hands them out: one table for the
 * gateway (services/gateway), which serves them in the real deployment and,
 * in process, in the embedded mode.
 */
const here = new URL("./", import.meta.url);

const ASSETS: Record<string, { readonly file: URL; readonly type: string }> = {
  "/": { file: new URL("index.html", here), type: "text/html; charset=utf-8" },
  "/index.html": { file: new URL("index.html", here), type: "text/html; charset=utf-8" },
  "/style.css": { file: new URL("style.css", here), type: "text/css; charset=utf-8" },
  "/app.js": { file: new URL("dist/app.js", here), type: "text/javascript; charset=utf-8" },
};

export type ClientAsset =
  | { readonly kind: "file"; readonly body: Uint8Array<ArrayBuffer>; readonly type: string }
  /** A client file at a known path is missing: the bundle was not built. */
  | { readonly kind: "not_built"; readonly file: string };

/** The asset served at `path`, or undefined when the client has nothing there. */
export async function readClientAsset(path: string): Promise<ClientAsset | undefined> {
  const asset = ASSETS[path];
  if (asset === undefined) return undefined;
  try {
    return { kind: "file", body: await Deno.readFile(asset.file), type: asset.type };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return { kind: "not_built", file: asset.file.pathname };
  }
}

/** Clients revalidate every time, so a rebuilt bundle is picked up on reload. */
export const ASSET_CACHE_CONTROL = "no-cache";
