/** The logged-in session, kept in localStorage so a reload stays logged in. */
import * as z from "zod/mini";
import { parseJson, type Session } from "@chat-ts/client";

const KEY = "chat-ts.session";

const StoredSession = z.object({
  token: z.string(),
  // Sessions stored before refresh tokens existed have neither; they end at their token's expiry.
  refresh_token: z._default(z.string(), ""),
  expires_in: z._default(z.number(), 0),
  user: z.object({
    id: z.string(),
    username: z.string(),
    email: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
});

export function loadSession(): Session | undefined {
  let text: string | null = null;
  try {
    text = localStorage.getItem(KEY);
  } catch { /* storage disabled: no session */ }
  if (text === null) return undefined;
  const parsed = StoredSession.safeParse(parseJson(text));
  return parsed.success ? parsed.data : undefined;
}

export function saveSession(session: Session): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(session));
  } catch { /* storage disabled: the session lasts until the page closes */ }
}

export function clearSession(): void {
  try {
    localStorage.removeItem(KEY);
  } catch { /* nothing stored */ }
}
