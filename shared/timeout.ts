/** A promise that rejects when `promise` has not settled within `ms` (the timer is always cleared). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "timed out"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
