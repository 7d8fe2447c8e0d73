export * from "./topics.ts";
export * from "./user_events.ts";
export * from "./chat_events.ts";
export * from "./codec.ts";
