/**
 * Access tokens: HS256 JWTs with `sub` (user id), `username`, `sid` (the login
 * session), `iat`, `exp` and `iss` = "chat-ts". Verification accepts HS256 only, so `alg: none` and
 * every other algorithm are refused.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { err, ok, type Result } from "./result.ts";

export const TOKEN_ISSUER = "chat-ts";
const ALGORITHM = "HS256";

export interface TokenClaims {
  readonly userId: string;
  readonly username: string;
  /** The login session the token belongs to; absent on tokens issued outside a session. */
  readonly sessionId?: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export type TokenRejection =
  | "malformed"
  | "unsupported_algorithm"
  | "bad_signature"
  | "expired"
  | "invalid_claims"
  | "revoked";

export interface TokenError {
  readonly reason: TokenRejection;
  readonly message: string;
  /** The subject of a well-signed token that is refused anyway (revoked), for the log. */
  readonly userId?: string;
}

export interface TokenOptions {
  /** At least 32 bytes, so HS256 keeps its strength. */
  readonly secret: string;
  readonly ttlSeconds?: number;
  readonly now?: () => Date;
}

export interface TokenCodec {
  issue(subject: { userId: string; username: string; sessionId?: string }): Promise<string>;
  verify(token: string): Promise<Result<TokenClaims, TokenError>>;
}

const claimsSchema = z.object({
  sub: z.uuid(),
  username: z.string().min(1),
  sid: z.uuid().optional(),
  iat: z.number().int(),
  exp: z.number().int(),
  iss: z.literal(TOKEN_ISSUER),
});

/** Short, because a refresh token renews it (DESIGN §9). */
export const DEFAULT_TOKEN_TTL_SECONDS = 15 * 60;
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export function createTokenCodec(options: TokenOptions): TokenCodec {
  if (new TextEncoder().encode(options.secret).length < 32) {
    throw new RangeError("JWT secret must be at least 32 bytes");
  }
  // Imported once: importing the raw secret on every verify would cost more than the HMAC itself.
  const key = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(options.secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const now = options.now ?? (() => new Date());
  // Clients send the same token with every request; the HMAC check (a WebCrypto op) was a tenth
  // of chat-service's CPU under load. Only tokens that passed it are kept, by their exact text.
  const verified = new Map<string, TokenClaims>();

  return {
    async issue({ userId, username, sessionId }) {
      const iat = Math.floor(now().getTime() / 1000);
      return await new SignJWT(
        sessionId === undefined ? { username } : { username, sid: sessionId },
      )
        .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
        .setSubject(userId)
        .setIssuer(TOKEN_ISSUER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .sign(await key);
    },

    async verify(token) {
      const known = verified.get(token);
      if (known !== undefined) {
        if (known.expiresAt > now()) return ok(known);
        verified.delete(token);
        return err({ reason: "expired", message: "Token has expired" });
      }
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, await key, {
          algorithms: [ALGORITHM],
          issuer: TOKEN_ISSUER,
          currentDate: now(),
          requiredClaims: ["sub", "iat", "exp"],
        }));
      } catch (error) {
        return err(rejection(error));
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        return err({ reason: "invalid_claims", message: "Token claims are invalid" });
      }
      const accepted: TokenClaims = {
        userId: claims.data.sub,
        username: claims.data.username,
        ...(claims.data.sid === undefined ? {} : { sessionId: claims.data.sid }),
        issuedAt: new Date(claims.data.iat * 1000),
        expiresAt: new Date(claims.data.exp * 1000),
      };
      // Oldest first out (Map keeps insertion order).
      const oldest = verified.keys().next();
      if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE && !oldest.done) verified.delete(oldest.value);
      verified.set(token, accepted);
      return ok(accepted);
    },
  };
}

/**
 * A codec that also refuses tokens whose session or user has ended. The check runs on every
 * verify, after the signature cache, so a token verified before its session ended is refused
 * from then on.
 */
export function refusingRevoked(
  tokens: TokenCodec,
  revoked: (claims: TokenClaims) => boolean,
): TokenCodec {
  return {
    issue: (subject) => tokens.issue(subject),
    async verify(token) {
      const verified = await tokens.verify(token);
      if (verified.ok && revoked(verified.value)) {
        return err({
          reason: "revoked",
          message: "Session has ended",
          userId: verified.value.userId,
        });
      }
      return verified;
    },
  };
}

function rejection(error: unknown): TokenError {
  if (error instanceof errors.JWTExpired) {
    return { reason: "expired", message: "Token has expired" };
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return { reason: "unsupported_algorithm", message: "Token algorithm is not accepted" };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { reason: "bad_signature", message: "Token signature is invalid" };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { reason: "invalid_claims", message: "Token claims are invalid" };
  }
  return { reason: "malformed", message: "Token is malformed" };
}
