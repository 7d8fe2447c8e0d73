/**
 * `@chat-ts/client`: typed clients of chat-ts for browsers and other projects. The HTTP clients
 * are Hono's `hc` over the services' own route types, so a wrong path, parameter or body field
 * is a type error; the WebSocket frames are the zod schemas the server parses them with
 * (docs/websocket.md).
 */
export * from "./http.ts";
export * from "./wire.ts";
export * from "@chat-ts/shared/websocket";
