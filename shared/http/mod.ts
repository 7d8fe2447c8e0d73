export * from "./app.ts";
export * from "./auth.ts";
export * from "./errors.ts";
export * from "./health.ts";
export * from "./metrics.ts";
export * from "./openapi.ts";
export * from "./client.ts";
export * from "./openapi_merge.ts";
