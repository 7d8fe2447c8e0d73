import { isStorableText, UNSTORABLE_TEXT_RULE } from "@chat-ts/shared/text";
/** A value from outside that breaks a domain rule; `message` names the field (DESIGN §3: 422). */
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
