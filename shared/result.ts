/**
 * A value or an error the caller must handle. Used across domains and adapters
 * so that expected failures are values, not exceptions.
 */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function err<E>(error: E): Result<never, E> {
  return { ok: false, error };
}

/** The value, or a throw naming the error: for values known to be valid (tests, constants). */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.ok) return result.value;
  throw new Error(`unwrap of an error: ${JSON.stringify(result.error)}`);
}
