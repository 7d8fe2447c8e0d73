/**
 * `GET /api/presence?user_ids=…`: status and last seen of up to 200 users. Any authenticated user
 * may read anyone's presence (as in Mattermost): it says whether someone is there, not where.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  type AuthVariables,
  BEARER,
  bearerAuth,
  createApiApp,
  errorResponse,
  errorsOf,
  jsonContent as json,
} from "@chat-ts/shared/http";
import type { TokenCodec } from "@chat-ts/shared/jwt";
import type { Logger } from "@chat-ts/shared/logger";
import { type Presence, UserId } from "../../../domain/presence/models.ts";
import type { PresenceService } from "../../../domain/presence/service.ts";

export const MAX_USER_IDS = 200;

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/** Comma-separated user ids, parsed by the domain's `UserId`, duplicates dropped. */
const UserIdList = z.string().transform((raw, ctx): UserId[] => {
  const parts = [...new Set(raw.split(",").map((s) => s.trim()).filter((s) => s !== ""))];
  if (parts.length === 0 || parts.length > MAX_USER_IDS) {
    ctx.issues.push({
      code: "custom",
      message: `must list 1 to ${MAX_USER_IDS} user ids, separated by commas`,
      input: raw,
    });
    return z.NEVER;
  }
  const ids: UserId[] = [];
  for (const part of parts) {
    const id = UserId.parse(part);
    if (!id.ok) {
      ctx.issues.push({ code: "custom", message: `"${part}" is not a UUID`, input: raw });
      return z.NEVER;
    }
    ids.push(id.value);
  }
  return ids;
}).openapi({
  type: "string",
  // Parts between commas are a UUID or blank (spaces around one are dropped); one at least.
  pattern: `^(\\s*,)*\\s*${UUID}\\s*(,\\s*(${UUID}\\s*)?)*$`,
  example: "0b7f6c9e-2d43-4c1a-9a8e-6f1d2e3c4b5a,4f1e2d3c-5b6a-4789-8abc-def012345678",
});

const PresenceJson = z.object({
  user_id: z.string(),
  status: z.enum(["online", "away", "offline"]),
  /** Since when the status holds (RFC 3339). */
  since: z.string(),
  /** When the user was last connected; null while online or away, or when never seen. */
  last_seen: z.string().nullable(),
}).openapi("Presence");

export const toPresenceJson = (userId: UserId, p: Presence) => ({
  user_id: userId,
  status: p.status,
  since: p.since.toISOString(),
  last_seen: p.lastSeen === null ? null : p.lastSeen.toISOString(),
});

export function presenceRoutes(
  deps: { presence: PresenceService; tokens: TokenCodec; logger: Logger },
) {
  return createApiApp<{ Variables: AuthVariables }>().openapi(
    createRoute({
      method: "get",
      path: "/api/presence",
      operationId: "getPresence",
      summary: "Read the presence of up to 200 users",
      tags: ["Presence"],
      security: BEARER,
      middleware: [bearerAuth(deps.tokens)],
      request: { query: z.object({ user_ids: UserIdList }) },
      responses: {
        200: json(z.object({ data: z.array(PresenceJson) }), "Presence of each user, in order"),
        ...errorsOf({
          400: "user_ids is missing, lists more than 200 ids, or one is not a UUID",
          401: "Missing, invalid or expired token",
          503: "Live presence (Redis) is unavailable; try again",
        }),
      },
    }),
    async (c) => {
      const ids = c.req.valid("query").user_ids;
      let presence: Map<UserId, Presence>;
      try {
        presence = await deps.presence.read(ids);
      } catch (error) {
        // Live presence (Redis) is away: clients show no dots rather than an error.
        deps.logger.warn("reading presence failed", { error });
        return errorResponse(
          c,
          503,
          "presence_unavailable",
          "Presence is unavailable right now; try again",
        );
      }
      const data = ids.flatMap((id) => {
        const p = presence.get(id);
        return p === undefined ? [] : [toPresenceJson(id, p)];
      });
      return c.json({ data }, 200);
    },
  );
}
