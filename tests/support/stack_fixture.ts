/**
 * The stack an end-to-end suite shares, with what the suite sets up on it (people, a channel):
 * started by the first test that needs it, stopped after the file's last test, or at once when
 * setting up fails.
 */
import { type Fixture, fixture } from "./fixture.ts";
import { type Stack, startStack } from "./stack.ts";

export function stackFixture<T>(
  options: Parameters<typeof startStack>[0],
  setUp: (stack: Stack) => T | Promise<T>,
): Fixture<T & { readonly stack: Stack }> {
  return fixture(async () => {
    const stack = await startStack(options);
    try {
      return { ...await setUp(stack), stack };
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }, ({ stack }) => stack.stop());
}
