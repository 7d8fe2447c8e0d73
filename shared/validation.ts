/**
 * A value from outside that breaks a domain rule (DESIGN §3: a 422 naming the field), and the
 * checks the services' smart constructors share, so each rule's refusal is built one way.
 */
import { err, ok, type Result } from "./result.ts";
import { isStorableText, UNSTORABLE_TEXT_RULE } from "./text.ts";

export interface ValidationError {
  readonly type: "validation";
  readonly field: string;
  /** The rule alone ("must be a UUID"), for edges that name the field themselves. */
  readonly rule: string;
  /** `field: rule`. */
  readonly message: string;
}

export function invalid(field: string, rule: string): ValidationError {
  return { type: "validation", field, rule, message: `${field}: ${rule}` };
}

/** Text no store refuses or alters (no NUL, no unpaired surrogate): the one rule for every field. */
export function storable(field: string, raw: string): ValidationError | undefined {
  return isStorableText(raw) ? undefined : invalid(field, UNSTORABLE_TEXT_RULE);
}

/**
 * The smart constructor of text a pattern decides (names, ids): a match, `normalise`d (ids are
 * lower-cased), is a `T`; anything else is `field` breaking `rule` (`as` names another field).
 */
export function matching<T extends string>(
  pattern: RegExp,
  field: string,
  rule: string,
  normalise: (raw: string) => string = (raw) => raw,
): (raw: string, as?: string) => Result<T, ValidationError> {
  // The one brand: the pattern has just vouched for the text.
  return (raw, as = field) => pattern.test(raw) ? ok(normalise(raw) as T) : err(invalid(as, rule));
}
