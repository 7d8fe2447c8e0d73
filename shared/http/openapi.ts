/** Building blocks of route definitions shared by the services' OpenAPI documents. */
import { z } from "@hono/zod-openapi";

/** A JSON body of `schema`, for `request.body` and `responses` entries. */
export function jsonContent<T>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** The error shape of DESIGN §3, as an OpenAPI schema. */
export const ErrorJson = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
}).openapi("Error");
