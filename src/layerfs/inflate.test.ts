// Tests for compression sniffing and the multi-frame zstd inflater.
import { zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createInflater, sniffCompression } from './inflate.ts';

function inflate(kind: 'gzip' | 'zstd', input: Buffer, piece: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const inf = createInflater(kind, { data: (c) => out.push(c), drain: () => {}, end: () => resolve(Buffer.concat(out)), error: reject });
    for (let i = 0; i < input.length; i += piece) inf.write(input.subarray(i, i + piece));
    inf.end();
  });
}

describe('sniffCompression', () => {
  it('goes by magic bytes', () => {
    expect(sniffCompression(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(sniffCompression(Buffer.from([0x5e, 0x2a, 0x4d, 0x18]))).toBe('zstd');
    expect(sniffCompression(Buffer.from('etc/'))).toBe('none');
    expect(sniffCompression(Buffer.alloc(0))).toBe('none');
  });
});

describe('zstd inflater', () => {
  const a = Buffer.alloc(300_000, 1);
  const b = Buffer.alloc(200_000, 2);
  const skippable = Buffer.alloc(24);
  skippable.writeUInt32LE(0x184d2a50, 0);
  skippable.writeUInt32LE(16, 4);
  const frames = Buffer.concat([zstdCompressSync(a), skippable, zstdCompressSync(b), zstdCompressSync(a)]);

  it.each([1, 100, 5000, frames.length])('reads every frame, skippable ones included (writes of %i bytes)', async (piece) => {
    const out = await inflate('zstd', frames, piece);
    expect(out.equals(Buffer.concat([a, b, a]))).toBe(true);
  });

  it('fails on garbage after a frame', async () => {
    await expect(inflate('zstd', Buffer.concat([zstdCompressSync(a), Buffer.from('garbage!')]), 1 << 20)).rejects.toThrow();
  });
});
