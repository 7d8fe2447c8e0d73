/**
 * Which access tokens are refused before they expire: those of an ended session, and every
 * token of a user whose sessions all ended (account deleted, or `session_ended` without a
 * session id). user-service announces both on `user-events`; chat-service and the gateway learn
 * them from there and never ask it per request. An entry is kept until every token it covers
 * has expired (`tokenTtlMs` after it ended).
 */

/** A `session_ended` or `user_deleted` event, as a reader of `user-events` applies it. */
export interface SessionEnd<Id extends string = string> {
  readonly type: "session_ended";
  readonly eventId: string;
  readonly userId: Id;
  /** Absent: every session of the user (deletion included). */
  readonly sessionId?: string;
  readonly at: Date;
}

/** What a token says about itself, as far as revocation goes. */
export interface TokenHolder {
  readonly userId: string;
  readonly sessionId?: string;
  readonly issuedAt: Date;
}

export class Revocations {
  /** Session id → when the entry may go. */
  readonly #sessions = new Map<string, number>();
  /** User id → tokens issued up to `at` are refused, until `until`. */
  readonly #users = new Map<string, { at: number; until: number }>();

  constructor(
    private readonly options: { readonly tokenTtlMs: number; readonly now?: () => number },
  ) {}

  get size(): number {
    return this.#sessions.size + this.#users.size;
  }

  learn(end: SessionEnd): void {
    const at = end.at.getTime();
    const until = at + this.options.tokenTtlMs;
    if (until <= this.#now()) return;
    if (end.sessionId !== undefined) {
      this.#sessions.set(end.sessionId, Math.max(until, this.#sessions.get(end.sessionId) ?? 0));
      return;
    }
    const known = this.#users.get(end.userId);
    if (known === undefined || known.at < at) this.#users.set(end.userId, { at, until });
  }

  refuses(token: TokenHolder): boolean {
    const now = this.#now();
    if (token.sessionId !== undefined) {
      const until = this.#sessions.get(token.sessionId);
      if (until !== undefined && until > now) return true;
    }
    const user = this.#users.get(token.userId);
    // `iat` has whole seconds: a token issued in the second the sessions ended counts as before.
    return user !== undefined && user.until > now && token.issuedAt.getTime() <= user.at;
  }

  /** Forgets entries whose tokens have all expired. */
  prune(): void {
    const now = this.#now();
    for (const [id, until] of this.#sessions) if (until <= now) this.#sessions.delete(id);
    for (const [id, entry] of this.#users) if (entry.until <= now) this.#users.delete(id);
  }

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
