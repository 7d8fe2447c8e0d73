/**
 * An envelope's fields through a reader's own smart constructors, in one step: every reader
 * checks each field and turns the first one refused into the event's `invalid_event`.
 */
import { err, ok, type Result } from "../result.ts";
import type { DecodeError } from "./codec.ts";

/** Each field's parse result (absent: an optional field the event does not carry). */
export type ParsedFields = Readonly<
  Record<string, Result<unknown, { readonly message: string }> | undefined>
>;
type Values<F extends ParsedFields> = {
  [K in keyof F]: Extract<F[K], { ok: true }>["value"] | Extract<F[K], undefined>;
};

/**
 * The fields' values (an absent field stays absent), or the first refused field (in the order
 * given) as the decode error.
 */
export function decodeFields<F extends ParsedFields>(
  eventType: string,
  fields: F,
): Result<Values<F>, DecodeError> {
  const values: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field === undefined) continue;
    if (!field.ok) return err({ kind: "invalid_event", eventType, message: field.error.message });
    values[name] = field.value;
  }
  // Every field of F is in `values` now, with the value its result carried.
  return ok(values as Values<F>);
}
