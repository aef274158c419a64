import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileRangeDigest } from './file-range-digest.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('fileRangeDigest', () => {
  // 3 MiB and a bit, so ranges cross the worker's 1 MiB reads.
  const bytes = Buffer.from(Array.from({ length: 3 * 2 ** 20 + 777 }, (_, i) => (i * 31 + (i >> 11)) & 0xff));
  const file = join(dir, 'blob');
  writeFileSync(file, bytes);

  it('hashes a range in the middle of a file', async () => {
    const start = 2 ** 20 - 5;
    const length = 2 ** 21 + 3;
    expect(await fileRangeDigest({ path: file, start, length })).toBe(sha(bytes.subarray(start, start + length)));
  });

  it('hashes to the end of the file when no length is given, and several ranges at once', async () => {
    const [whole, tail, empty] = await Promise.all([
      fileRangeDigest({ path: file, start: 0 }),
      fileRangeDigest({ path: file, start: 100 }),
      fileRangeDigest({ path: file, start: 0, length: 0 }),
    ]);
    expect(whole).toBe(sha(bytes));
    expect(tail).toBe(sha(bytes.subarray(100)));
    expect(empty).toBe(sha(Buffer.alloc(0)));
  });

  it('rejects with a one-line CORRUPT error for a file it cannot read', async () => {
    await expect(fileRangeDigest({ path: join(dir, 'missing'), start: 0 })).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/missing: cannot read to verify its digest/) });
  });
});
