/**
 * Text every store accepts: no NUL (Postgres `text` refuses it) and no unpaired UTF-16
 * surrogate (it has no UTF-8 form, so a driver would replace it and store something other
 * than what was sent). Pure, so each service's domain uses it in its smart constructors, and
 * the HTTP edge for fields no constructor checks (login, query parameters).
 */
export const UNSTORABLE_TEXT_RULE = "must not contain NUL characters or unpaired surrogates";

export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && text.isWellFormed();
}

/** The path (`a.b.0`) of the first string in a parsed JSON value that is not storable. */
export function unstorableTextAt(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value === "string") return isStorableText(value) ? undefined : path.join(".");
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, item] of Object.entries(value)) {
    // A key is a field name the client chose: name it as it is, bad characters escaped.
    const at = [...path, isStorableText(key) ? key : JSON.stringify(key)];
    if (!isStorableText(key)) return at.join(".");
    const found = unstorableTextAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
