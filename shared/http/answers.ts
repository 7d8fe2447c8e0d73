/**
 * How a route answers a service call's result: the error through the service's one mapping of
 * its domain errors, or the value. Each service gives its mapping once (`domainAnswers`); every
 * route then answers with it, typed as the statuses the route documents.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Result } from "../result.ts";
import { declaredErrorResponse } from "./errors.ts";

/** The status and code a domain error answers with (the message is the error's own). */
export type ErrorMapping<E> = (error: E, c: Context) => readonly [ContentfulStatusCode, string];

/** What a route documents of its errors: its `errorsOf` entries, by status. */
type Declared<S extends ContentfulStatusCode> = { readonly [K in S]: unknown };

export function domainAnswers<E extends { readonly message: string }>(mapping: ErrorMapping<E>) {
  /** The error, typed as one of the statuses the route documents (`declaredErrorResponse`). */
  const error = <S extends ContentfulStatusCode>(c: Context, e: E, declared: Declared<S>) => {
    const [status, code] = mapping(e, c);
    return declaredErrorResponse(c, declared, status, code, e.message);
  };
  return {
    error,
    /** The error, or `{"data": …}` of the value with `status`. */
    data: <T, J, S extends ContentfulStatusCode, OK extends ContentfulStatusCode>(
      c: Context,
      result: Result<T, E>,
      declared: Declared<S>,
      status: OK,
      toJson: (value: T) => J,
    ) => {
      if (!result.ok) return error(c, result.error, declared);
      return c.json({ data: toJson(result.value) }, status);
    },
    /** The error, or 204 with no body. */
    done: <S extends ContentfulStatusCode>(
      c: Context,
      result: Result<unknown, E>,
      declared: Declared<S>,
    ) => {
      if (!result.ok) return error(c, result.error, declared);
      return c.body(null, 204);
    },
  };
}
