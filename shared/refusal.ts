/**
 * A command's refusal that carries nothing but its kind and the message a user is shown: the
 * shape most domain errors share (DESIGN §3: errors are values with a user-facing message).
 */
export interface Refusal<Kind extends string> {
  readonly type: Kind;
  readonly message: string;
}

export function refusal<Kind extends string>(type: Kind, message: string): Refusal<Kind> {
  return { type, message };
}
