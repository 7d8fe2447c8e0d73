/**
 * Refresh tokens: 32 random bytes, base64url. They carry enough entropy that a fast hash
 * (SHA-256) is safe to store; a slow password hash would only slow refreshes down.
 */
import type { RefreshTokens } from "../domain/user/ports.ts";

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

export const randomRefreshTokens: RefreshTokens = {
  generate: () => base64url(crypto.getRandomValues(new Uint8Array(32))),
  async hash(token) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
    return base64url(new Uint8Array(digest));
  },
};
