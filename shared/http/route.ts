/**
 * Route definitions of one resource: what every route of it shares (its tag, who may call it
 * and the middleware that checks it) is said once, each route says only what is its own.
 */
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { BEARER, errorsOf, type ErrorStatus, jsonContent, PUBLIC } from "./openapi.ts";

/** Who may call a route: anyone, or the holder of a token that `middleware` checks. */
export type Access<M> =
  | { readonly security: typeof PUBLIC; readonly middleware?: undefined }
  | { readonly security: typeof BEARER; readonly middleware: M };

type OwnConfig<P extends string> =
  & Omit<RouteConfig, "path" | "tags" | "security" | "middleware">
  & { readonly path: P };

/**
 * `createRoute` for the routes of `tag`. Generic in the path and the config so each route keeps
 * its literal types (the handler's `c.req.valid`, `hc<AppType>`).
 */
export function resourceRoutes<const A extends Access<RouteConfig["middleware"]>>(
  tag: string,
  access: A,
) {
  return <P extends string, R extends OwnConfig<P>>(route: R) =>
    createRoute({ ...route, tags: [tag], ...access });
}

/** A required JSON request body of `schema`. */
export function jsonBody<T>(schema: T, description: string) {
  return { required: true as const, ...jsonContent(schema, description) };
}

type Described = { readonly [K in ErrorStatus]?: string };

/**
 * `errorsOf` for the routes of a service that all give the `common` answers (the 503 of an
 * outage, the 401 of the bearer check): those are said once, each route says its own.
 */
export function errorsWith<const C extends Described>(common: C) {
  return <const D extends { readonly [K in Exclude<ErrorStatus, keyof C>]?: string }>(
    described: D,
  ) => errorsOf({ ...described, ...common });
}
