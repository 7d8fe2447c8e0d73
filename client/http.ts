/** The services' HTTP APIs as typed `hc` clients, and the response types they give. */
import { type ClientRequestOptions, hc, type InferResponseType } from "hono/client";
import type { AppType as UserApp } from "@chat-ts/user-service/app";
import type { AppType as ChatApp } from "@chat-ts/chat-service/app";
import type { AppType as PresenceApp } from "@chat-ts/presence-service/app";

export type UserClient = ReturnType<typeof hc<UserApp>>;
export type ChatClient = ReturnType<typeof hc<ChatApp>>;
export type PresenceClient = ReturnType<typeof hc<PresenceApp>>;

/** user-service at `baseUrl` (`http://localhost:3001`, or the embedded mode's origin). */
export function createUserClient(baseUrl: string, options?: ClientRequestOptions): UserClient {
  return hc<UserApp>(baseUrl, options);
}

/** chat-service at `baseUrl` (`http://localhost:3002`, or the embedded mode's origin). */
export function createChatClient(baseUrl: string, options?: ClientRequestOptions): ChatClient {
  return hc<ChatApp>(baseUrl, options);
}

/** presence-service at `baseUrl` (`http://localhost:3004`, or the embedded mode's origin). */
export function createPresenceClient(
  baseUrl: string,
  options?: ClientRequestOptions,
): PresenceClient {
  return hc<PresenceApp>(baseUrl, options);
}

export type User = InferResponseType<UserClient["api"]["users"][":id"]["$get"], 200>["data"];
export type Session = InferResponseType<UserClient["api"]["users"]["login"]["$post"], 200>["data"];
export type Channel = InferResponseType<ChatClient["api"]["channels"]["$get"], 200>["data"][number];
export type Message = InferResponseType<
  ChatClient["api"]["channels"][":id"]["messages"]["$get"],
  200
>["data"][number];
export type Presence = InferResponseType<PresenceClient["api"]["presence"]["$get"], 200>["data"][
  number
];

/** Compile-time proof that the route types flow through `hc` (an untyped route gives `any`). */
type IsAny<T> = 0 extends 1 & T ? true : false;
const routesAreTyped: [
  IsAny<User>,
  IsAny<Session>,
  IsAny<Channel>,
  IsAny<Message>,
  IsAny<Presence>,
] = [false, false, false, false, false];
void routesAreTyped;
