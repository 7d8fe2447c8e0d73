/**
 * One process per data folder: two embedded servers on the same PGlite files
 * would corrupt them. An exclusive advisory lock on `DATA_DIR/.lock`, held
 * for the life of the process (the OS releases it however the process ends).
 */
export async function lockDataDir(dataDir: string): Promise<Deno.FsFile | undefined> {
  const file = await Deno.open(`${dataDir}/.lock`, { read: true, write: true, create: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const taken = await Promise.race([
    file.lock(true).then(() => true),
    new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), 500)),
  ]);
  clearTimeout(timer);
  return taken ? file : undefined;
}
