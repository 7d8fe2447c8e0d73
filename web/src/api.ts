/**
 * Every HTTP call of the client, made through `@chat-ts/client` (Hono's typed `hc`) with the
 * services' own route types, on the page's own origin. Each call returns the `data` of its
 * success status, typed by the route, or throws an `ApiError` carrying the API's message.
 */
import type { ClientResponse } from "hono/client";
import {
  createChatClient,
  createPresenceClient,
  createUserClient,
  parseErrorBody,
} from "@chat-ts/client";

export type { Channel, Message, Presence, Session, User } from "@chat-ts/client";

/** A failed call: `status` 0 when the server could not be reached at all. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

/** History page size; a shorter page means the beginning of the channel was reached. */
export const HISTORY_PAGE = 50;

export type Api = ReturnType<typeof createApi>;

/**
 * The session as the API needs it: the access token, read at every call, and a way to renew
 * it (true when a new token is in place).
 */
export interface SessionAccess {
  token(): string | undefined;
  refresh(): Promise<boolean>;
}

/** `origin` is the page's own (`location.origin`). */
export function createApi(origin: string, session: SessionAccess) {
  const { token } = session;
  const headers = (): Record<string, string> => {
    const current = token();
    return current === undefined ? {} : { Authorization: `Bearer ${current}` };
  };
  const users = createUserClient(origin, { headers });
  const chat = createChatClient(origin, { headers });
  const presence = createPresenceClient(origin, { headers });

  /**
   * Runs a request and answers its response when its status is one of `ok` (typed by it), or
   * throws its `ApiError`; a 401 renews the access token silently and tries once more.
   */
  const call = async <R extends ClientResponse<unknown, number, string>, S extends number>(
    request: () => Promise<R>,
    ...ok: S[]
  ): Promise<Answered<R, S>> => {
    let res = await reach(request);
    if (res.status === 401 && token() !== undefined && await session.refresh().catch(() => false)) {
      res = await reach(request);
    }
    return await answered(res, ok);
  };

  return {
    /** Status and last seen of up to 200 users. */
    async presence(userIds: readonly string[]) {
      const res = await call(
        () => presence.api.presence.$get({ query: { user_ids: userIds.join(",") } }),
        200,
      );
      return (await res.json()).data;
    },

    /** A new token pair for a refresh token (it is used up). */
    async refresh(refreshToken: string) {
      const res = await answered(
        await reach(() => users.api.auth.refresh.$post({ json: { refresh_token: refreshToken } })),
        [200],
      );
      return (await res.json()).data;
    },

    /** Ends the session of `accessToken` on the server (its tokens stop working everywhere). */
    async logout(accessToken: string) {
      // 401: the session had already ended.
      await answered(
        await reach(() =>
          users.api.auth.logout.$post(undefined, {
            headers: { Authorization: `Bearer ${accessToken}` },
          })
        ),
        [204, 401],
      );
    },

    async register(body: { username: string; email_address: string; password: string }) {
      const res = await call(() => users.api.users.$post({ json: body }), 201);
      return (await res.json()).data;
    },

    async login(body: { username: string; password: string }) {
      const res = await call(() => users.api.users.login.$post({ json: body }), 200);
      return (await res.json()).data;
    },

    /** People search: users whose username starts with `prefix` (2+ characters), by name. */
    async searchUsers(prefix: string, limit = 10) {
      const res = await call(() => users.api.users.$get({ query: { query: prefix, limit } }), 200);
      return (await res.json()).data;
    },

    async user(id: string) {
      const res = await call(() => users.api.users[":id"].$get({ param: { id } }), 200);
      return (await res.json()).data;
    },

    /** Public channels by name, or (`member`) every channel the caller belongs to. */
    async channels(options: { member?: boolean; after?: string; limit?: number } = {}) {
      const res = await call(() =>
        chat.api.channels.$get({
          query: {
            ...(options.member ? { member: "me" } : {}),
            ...(options.after === undefined ? {} : { after: options.after }),
            ...(options.limit === undefined ? {} : { limit: options.limit }),
          },
        }), 200);
      return (await res.json()).data;
    },

    /** One channel; 404 also when the caller may not see it. */
    async channel(id: string) {
      const res = await call(() => chat.api.channels[":id"].$get({ param: { id } }), 200);
      return (await res.json()).data;
    },

    async createChannel(body: {
      channel_type: "public" | "private";
      name: string;
      description?: string;
    }) {
      const res = await call(() => chat.api.channels.$post({ json: body }), 201);
      return (await res.json()).data;
    },

    /** The direct conversation with `participantId`, created when the pair has none yet. */
    async directChannel(participantId: string) {
      const res = await call(
        () =>
          chat.api.channels.$post({
            json: { channel_type: "direct", participant_id: participantId },
          }),
        201,
        200,
      );
      return (await res.json()).data;
    },

    async addMember(channelId: string, userId: string) {
      const res = await call(() =>
        chat.api.channels[":id"].members.$post({
          param: { id: channelId },
          json: { user_id: userId },
        }), 201);
      return (await res.json()).data;
    },

    /** Marks a channel read up to a message (the server's marker only moves forward). */
    async markRead(channelId: string, messageId: string) {
      const res = await call(() =>
        chat.api.channels[":id"].read.$post({
          param: { id: channelId },
          json: { message_id: messageId },
        }), 200);
      return (await res.json()).data;
    },

    /** A private or direct channel's members with usernames, in join order (up to 200). */
    async members(channelId: string) {
      const res = await call(
        () =>
          chat.api.channels[":id"].members.$get({
            param: { id: channelId },
            query: { limit: 200 },
          }),
        200,
      );
      return (await res.json()).data;
    },

    /** Removes a member of a private channel: yourself to leave, anyone if you created it. */
    async removeMember(channelId: string, userId: string): Promise<void> {
      await call(() =>
        chat.api.channels[":id"].members[":user_id"].$delete({
          param: { id: channelId, user_id: userId },
        }), 204);
    },

    /** One page of history, newest first: the newest messages, or those older than `before`. */
    async history(channelId: string, before?: string) {
      const res = await call(() =>
        chat.api.channels[":id"].messages.$get({
          param: { id: channelId },
          query: { limit: HISTORY_PAGE, ...(before === undefined ? {} : { before }) },
        }), 200);
      return (await res.json()).data;
    },

    /** Sends over HTTP; retrying with the same `clientId` returns the original message. */
    async send(channelId: string, content: string, clientId: string, replyTo?: string) {
      const res = await call(() =>
        chat.api.channels[":id"].messages.$post({
          param: { id: channelId },
          json: {
            content,
            client_id: clientId,
            ...(replyTo === undefined ? {} : { reply_to: replyTo }),
          },
        }), 201);
      return (await res.json()).data;
    },

    /** The author replaces a message's content; answers the whole edited message. */
    async edit(channelId: string, messageId: string, content: string) {
      const res = await call(() =>
        chat.api.channels[":id"].messages[":message_id"].$patch({
          param: { id: channelId, message_id: messageId },
          json: { content },
        }), 200);
      return (await res.json()).data;
    },

    async deleteMessage(channelId: string, messageId: string): Promise<void> {
      await call(() =>
        chat.api.channels[":id"].messages[":message_id"].$delete({
          param: { id: channelId, message_id: messageId },
        }), 204);
    },

    /** Reacts with an emoji (`on`) or takes the reaction back; idempotent either way. */
    async react(channelId: string, messageId: string, emoji: string, on: boolean): Promise<void> {
      const route = chat.api.channels[":id"].messages[":message_id"].reactions[":emoji"];
      const param = { id: channelId, message_id: messageId, emoji };
      await call(() => on ? route.$put({ param }) : route.$delete({ param }), 204);
    },

    /**
     * The live socket's address. `/ws` reads its token without a validator, so the
     * route's type has no query and the token is added to the typed URL here.
     */
    socketUrl(jwt: string): string {
      const url = chat.ws.$url();
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      url.searchParams.set("token", jwt);
      return url.toString();
    },
  };
}

/** The responses among `R` whose status is one of `S`. */
type Answered<R, S> = Extract<R, { status: S }>;

/** Whether `res` answered with one of the `ok` statuses (narrowing its type to theirs). */
function isAnswered<R extends { status: number }, S extends number>(
  res: R,
  ok: readonly S[],
): res is Answered<R, S> {
  return ok.some((status) => status === res.status);
}

/** `res` when its status is one of `ok`; otherwise its `ApiError` is thrown. */
async function answered<R extends ClientResponse<unknown, number, string>, S extends number>(
  res: R,
  ok: readonly S[],
): Promise<Answered<R, S>> {
  if (isAnswered(res, ok)) return res;
  throw await failure(res);
}

/** Runs one request; a network failure becomes an `ApiError` with status 0. */
async function reach<R>(request: () => Promise<R>): Promise<R> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, "unreachable", "Cannot reach the server. Check your connection.");
  }
}

/**
 * The error of a non-success response. The body is read defensively: a proxy or an
 * undeclared status (413, 502, …) may answer with something other than the API's shape.
 */
async function failure(res: ClientResponse<unknown, number, string>): Promise<ApiError> {
  let text = "";
  try {
    text = await res.text();
  } catch { /* body lost; fall back to the status */ }
  const body = parseErrorBody(text);
  return body === undefined
    ? new ApiError(res.status, "http_error", `Request failed (HTTP ${res.status})`)
    : new ApiError(res.status, body.code, body.message);
}
