import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES, osvDocuments } from './osv-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-osv-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string) {
  const out: { origin: string; text: string }[] = [];
  for await (const d of osvDocuments(path)) out.push({ origin: d.origin.slice(dir.length + 1), text: d.bytes.toString() });
  return out;
}

describe('osvDocuments', () => {
  it('reads a file, a directory tree (json and zips, in order) and a zip dump entry by entry', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'npm'), { recursive: true });
    writeFileSync(join(tree, 'npm', 'GHSA-1.json'), '{"id":"GHSA-1"}');
    writeFileSync(join(tree, 'README.md'), 'not json');
    const zip = zipSync({ 'PYSEC-2.json': Buffer.from('{"id":"PYSEC-2"}'), 'dir/': new Uint8Array(0), 'dir/PYSEC-3.json': Buffer.from('{"id":"PYSEC-3"}'), 'notes.txt': Buffer.from('x') });
    writeFileSync(join(tree, 'PyPI.zip'), zip);
    expect(await collect(join(tree, 'npm', 'GHSA-1.json'))).toEqual([{ origin: 'tree/npm/GHSA-1.json', text: '{"id":"GHSA-1"}' }]);
    expect(await collect(tree)).toEqual([
      { origin: 'tree/PyPI.zip:PYSEC-2.json', text: '{"id":"PYSEC-2"}' },
      { origin: 'tree/PyPI.zip:dir/PYSEC-3.json', text: '{"id":"PYSEC-3"}' },
      { origin: 'tree/npm/GHSA-1.json', text: '{"id":"GHSA-1"}' },
    ]);
  });

  it('fails in one line on a missing path, a truncated zip and an oversized record', async () => {
    await expect(collect(join(dir, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/nope: no such file or directory/) });
    const zip = zipSync({ 'A.json': Buffer.from(JSON.stringify({ id: 'A', details: 'x'.repeat(5000) })) }, { level: 0 });
    writeFileSync(join(dir, 'truncated.zip'), zip.subarray(0, zip.length - 30));
    await expect(collect(join(dir, 'truncated.zip'))).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/truncated\.zip/) });
    const big = zipSync({ 'BIG.json': Buffer.alloc(MAX_RECORD_BYTES + 1, 0x20) });
    writeFileSync(join(dir, 'big.zip'), big);
    await expect(collect(join(dir, 'big.zip'))).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/big\.zip:BIG\.json: larger than/) });
  });

  it('refuses an entry whose bytes do not match its CRC-32, and stops a bomb whose directory understates its size', async () => {
    const stored = Buffer.from(zipSync({ 'A.json': Buffer.from('{"id":"A","details":"abcdef"}') }, { level: 0 }));
    stored[stored.indexOf('abcdef')] = 0x7a; // one byte of content changed, the recorded CRC kept
    writeFileSync(join(dir, 'crc.zip'), stored);
    await expect(collect(join(dir, 'crc.zip'))).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/crc\.zip:A\.json: content does not match its size and CRC-32/) });
    // 40 MiB of spaces deflate to a few KiB; both headers are rewritten to claim 100 bytes.
    const bomb = Buffer.from(zipSync({ 'BOMB.json': Buffer.alloc(40 * 2 ** 20, 0x20) }));
    const local = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const central = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(100, local + 22);
    bomb.writeUInt32LE(100, central + 24);
    writeFileSync(join(dir, 'bomb.zip'), bomb);
    await expect(collect(join(dir, 'bomb.zip'))).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/bomb\.zip:BOMB\.json: larger than/) });
  });
});
