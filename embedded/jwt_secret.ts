/** The embedded mode's JWT secret: generated once, then read back, so tokens survive restarts. */
export async function jwtSecret(path: string): Promise<string> {
  try {
    const kept = (await Deno.readTextFile(path)).trim();
    if (kept.length >= 32) return kept;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.writeTextFile(path, secret, { mode: 0o600 });
  return secret;
}
