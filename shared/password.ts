/**
 * Password hashing with Argon2id (DESIGN §3: m=19456 KiB, t=2, p=1). Hashing
 * runs on the native thread pool, so it does not block the event loop; at
 * most one hash per core runs at a time and the rest wait in arrival order,
 * so a burst of logins is served first come, first served instead of every
 * hash slowing down together (which stretches the tail latency).
 */
import { hash, verify } from "@node-rs/argon2";

const slots = Math.max(1, navigator.hardwareConcurrency || 1);
let running = 0;
const waiting: (() => void)[] = [];

async function oneAtATimePerCore<T>(work: () => Promise<T>): Promise<T> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next === undefined) running--;
    else next(); // the slot passes straight to the next in line
  }
}

/** `Algorithm.Argon2id` of @node-rs/argon2; its enum is `const` and cannot be imported. */
const ARGON2ID = 2;

export const ARGON2ID_PARAMETERS = {
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Returns a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) carrying its own salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return oneAtATimePerCore(() => hash(password, { algorithm: ARGON2ID, ...ARGON2ID_PARAMETERS }));
}

/** False for a wrong password and for a hash that is not a valid PHC string. */
export async function verifyPassword(phcHash: string, password: string): Promise<boolean> {
  try {
    return await oneAtATimePerCore(() => verify(phcHash, password));
  } catch {
    return false;
  }
}
