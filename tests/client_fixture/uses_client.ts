/**
 * A project outside the chat-ts workspace using `@chat-ts/client`, vendored into ./vendor by
 * `deno task --cwd client vendor <folder>` (see client/fixture_test.ts). It must type-check,
 * and each `@ts-expect-error` line must be an error: a wrong field is caught at compile time.
 */
import {
  type Channel,
  type ClientFrame,
  createChatClient,
  createUserClient,
  type Message,
  parseServerFrame,
  ServerFrame,
  type Session,
} from "@chat-ts/client";

export async function login(baseUrl: string): Promise<Session | undefined> {
  const users = createUserClient(baseUrl);
  const res = await users.api.users.login.$post({
    json: { username: "ada_l", password: "correct horse battery" },
  });
  if (res.status !== 200) return undefined;
  const session: Session = (await res.json()).data;
  const username: string = session.user.username;
  void username;
  // @ts-expect-error: login takes `username`, not `user_name`
  await users.api.users.login.$post({ json: { user_name: "ada_l", password: "x" } });
  return session;
}

export async function newestMessages(baseUrl: string, token: string): Promise<Message[]> {
  const chat = createChatClient(baseUrl, { headers: { Authorization: `Bearer ${token}` } });
  const channels = await chat.api.channels.$get({ query: { member: "me" } });
  if (channels.status !== 200) return [];
  const first: Channel | undefined = (await channels.json()).data[0];
  if (first === undefined) return [];
  const res = await chat.api.channels[":id"].messages.$get({
    param: { id: first.id },
    query: { limit: "20" },
  });
  if (res.status !== 200) return [];
  const messages = (await res.json()).data;
  // @ts-expect-error: a message has `content`, not `text`
  const text: string = messages[0].text;
  void text;
  return messages;
}

export function onFrame(raw: string): string | undefined {
  const frame: ServerFrame | undefined = parseServerFrame(raw);
  if (frame?.type === "new_message") return `${frame.username ?? "?"}: ${frame.content}`;
  // The schemas themselves are exported too, for a client that parses its own way.
  const parsed = ServerFrame.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data.type : undefined;
}

export const subscribe: ClientFrame = { type: "subscribe", channel_id: "c", after: "m" };
// @ts-expect-error: a subscribe frame has `channel_id`, not `channel`
export const wrongFrame: ClientFrame = { type: "subscribe", channel: "c" };
