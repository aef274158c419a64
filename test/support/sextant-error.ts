// Asserting an error a user can cause: a SextantError with the expected code and a message of one line.
import { expect } from 'vitest';
import { isSextantError } from '../../src/core/errors.ts';

/** `work` rejects with a SextantError of `code` whose message, one line, matches `message`. */
export async function expectSextantError(work: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isSextantError(err)).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).not.toContain('\n');
}
