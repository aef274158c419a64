import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPooledRange } from './file-range-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-pooled-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = Buffer.from(Array.from({ length: 5 * 2 ** 20 + 321 }, (_, i) => (i * 7 + (i >> 13)) & 0xff));
const file = join(dir, 'blob');
writeFileSync(file, bytes);

/** Read the whole stream, copying each chunk and then releasing it (as the layer walk does). */
async function drain(start: number, length?: number, release = true) {
  const pooled = await openPooledRange({ path: file, start, ...(length === undefined ? {} : { length }) });
  const copies: Buffer[] = [];
  const memories = new Set<ArrayBufferLike>();
  for await (const chunk of pooled.stream as AsyncIterable<Buffer>) {
    copies.push(Buffer.from(chunk));
    memories.add(chunk.buffer);
    if (release) {
      pooled.release(chunk);
      pooled.release(chunk); // a second release of the same chunk must not put its buffer in the pool twice
    }
  }
  return { data: Buffer.concat(copies), buffers: memories.size, chunks: copies.length };
}

describe('openPooledRange', () => {
  it('streams exactly the range, reusing a few buffers when chunks are released', async () => {
    const start = 12_345;
    const length = 4 * 2 ** 20 + 17;
    const got = await drain(start, length);
    expect(got.data.equals(bytes.subarray(start, start + length))).toBe(true);
    expect(got.chunks).toBe(5);
    expect(got.buffers).toBeLessThan(got.chunks);
  });

  it('reads to the end of the file without a length, and allocates per chunk when nothing is released', async () => {
    const got = await drain(100, undefined, false);
    expect(got.data.equals(bytes.subarray(100))).toBe(true);
    expect(got.buffers).toBe(got.chunks);
  });

  it('overwrites released buffers when asked to, so kept views show it', async () => {
    process.env.SEXTANT_POISON_RELEASED_BUFFERS = '1';
    try {
      const pooled = await openPooledRange({ path: file, start: 0, length: 2 ** 20 });
      const [chunk] = (await pooled.stream.toArray()) as Buffer[];
      const view = (chunk as Buffer).subarray(0, 4);
      pooled.release(chunk as Buffer);
      expect([...view]).toEqual([0xa5, 0xa5, 0xa5, 0xa5]);
    } finally {
      delete process.env.SEXTANT_POISON_RELEASED_BUFFERS;
    }
  });

  it('fails in one line for a file it cannot open', async () => {
    await expect(openPooledRange({ path: join(dir, 'missing'), start: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/missing: cannot open/) });
  });
});
