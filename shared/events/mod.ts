export * from "./topics.ts";
export * from "./user_events.ts";
export * from "./chat_events.ts";
export * from "./presence_events.ts";
export * from "./codec.ts";
export * from "./in_process_bus.ts";
export * from "./consume.ts";
export * from "./sink.ts";
