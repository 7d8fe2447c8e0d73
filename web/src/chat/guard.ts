/**
 * How the client's actions fail: a 401 ends the session, other failures become a notice or a
 * form's message, and work begun for an earlier session drops its results and errors.
 */
import { ApiError } from "../api.ts";
import type { Store } from "../state.ts";

export const SESSION_EXPIRED = "Your session has ended. Please log in again.";

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** What a field is called in a sentence, for the API's `field: rule` messages. */
const FIELD_NAMES: Record<string, string> = {
  name: "The channel name",
  description: "The description",
  content: "The message",
  username: "The username",
  email_address: "The email address",
  password: "The password",
  query: "A search",
  participant_id: "That person",
  user_id: "That person",
  reply_to: "The message you reply to",
  emoji: "That reaction",
};

/**
 * A failure as a sentence for people: the API names fields (`name: must be …`), the user sees
 * "The channel name must be …." instead.
 */
export function messageOf(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Please try again.";
  const named = /^([a-z_]+): (.+)$/s.exec(error.message);
  if (named === null) return error.message;
  const [, field, rule] = named;
  const subject = FIELD_NAMES[field] ?? "A value";
  const sentence = rule === "no such user" ? `${subject} does not exist` : `${subject} ${rule}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

export class Guard {
  /** Counts logouts: work begun for an earlier session drops its results and errors. */
  #epoch = 0;

  /** `logout` ends the session with a message for the login form. */
  constructor(private readonly store: Store, private readonly logout: (message: string) => void) {}

  get epoch(): number {
    return this.#epoch;
  }

  /** The session ended: work still running belongs to the old one. */
  nextEpoch(): void {
    this.#epoch++;
  }

  /** The token was refused: back to the login form. */
  sessionExpired(): void {
    this.logout(SESSION_EXPIRED);
  }

  /** Runs an action; a failure becomes a notice (unless `quiet`), a 401 a logout. */
  async run<T>(
    action: () => Promise<T>,
    options: { quiet?: boolean } = {},
  ): Promise<T | undefined> {
    const epoch = this.#epoch;
    try {
      return await action();
    } catch (error) {
      if (epoch !== this.#epoch) return undefined;
      if (isUnauthorized(error)) {
        this.sessionExpired();
      } else if (!options.quiet) {
        this.store.setNotice({ kind: "error", text: messageOf(error) });
      }
      if (!(error instanceof ApiError)) console.error(error);
      return undefined;
    }
  }

  /** A form's action: the error's message for the form, or undefined on success. */
  async form(action: () => Promise<void>): Promise<string | undefined> {
    try {
      await action();
      return undefined;
    } catch (error) {
      if (isUnauthorized(error)) this.sessionExpired();
      if (!(error instanceof ApiError)) console.error(error);
      return messageOf(error);
    }
  }
}
