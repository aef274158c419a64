import { mkdtemp, open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { writeTar } from '../../../../test/support/image-builder.ts';
import { indexTar } from './tar-index.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-tar-index-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function index(path: string) {
  const file = await open(path);
  try {
    return await indexTar(file, (await file.stat()).size, path);
  } finally {
    await file.close();
  }
}

describe('indexTar', () => {
  it('finds members, long pax names and their exact byte ranges', async () => {
    const long = `blobs/${'x'.repeat(150)}/data.bin`;
    const path = join(dir, 'plain.tar');
    await writeTar(path, [
      ['./manifest.json', Buffer.from('[1]')],
      [long, Buffer.alloc(1000, 7)],
      ['/abs/file', Buffer.from('hello')],
    ]);
    const entries = await index(path);
    const bytes = await readFile(path);
    const slice = (name: string) => {
      const e = entries.get(name);
      if (!e) throw new Error(`missing ${name}`);
      return bytes.subarray(e.offset, e.offset + e.size).toString();
    };
    expect([...entries.keys()].sort()).toEqual(['abs/file', long, 'manifest.json'].sort());
    expect(slice('manifest.json')).toBe('[1]');
    expect(slice('abs/file')).toBe('hello');
    expect(entries.get(long)?.size).toBe(1000);
  });

  it('makes symlinked and hard-linked members readable under their own names', async () => {
    const path = join(dir, 'links.tar');
    const pack = tar.pack();
    const done = pipeline(pack, createWriteStream(path));
    pack.entry({ name: 'shared.tar' }, 'LAYER');
    pack.entry({ name: 'abc/layer.tar', type: 'symlink', linkname: '../shared.tar' });
    pack.entry({ name: 'hard.tar', type: 'link', linkname: 'shared.tar' });
    pack.entry({ name: 'loop-a', type: 'symlink', linkname: 'loop-b' });
    pack.entry({ name: 'loop-b', type: 'symlink', linkname: 'loop-a' });
    pack.finalize();
    await done;
    const entries = await index(path);
    expect(entries.get('abc/layer.tar')?.offset).toBe(entries.get('shared.tar')?.offset);
    expect(entries.get('hard.tar')?.size).toBe(5);
    expect(entries.has('loop-a')).toBe(false);
  });

  it('rejects a truncated archive as CORRUPT', async () => {
    const path = join(dir, 'trunc.tar');
    await writeTar(path, [['a', Buffer.alloc(4096, 1)], ['b', Buffer.alloc(4096, 2)]]);
    await truncate(path, 512 + 4096 + 512 + 100);
    await expect(index(path)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('truncated') });
  });

  it('rejects a corrupt header checksum', async () => {
    const path = join(dir, 'corrupt.tar');
    await writeTar(path, [['a', Buffer.from('1')], ['b', Buffer.from('2')]]);
    const bytes = await readFile(path);
    bytes[1024 + 10] = 0x41; // inside the second header's name
    await writeFile(path, bytes);
    await expect(index(path)).rejects.toMatchObject({ code: 'CORRUPT' });
  });

  it('says a non-tar file is not a tar archive', async () => {
    const path = join(dir, 'not.tar');
    await writeFile(path, Buffer.alloc(2048, 0x61));
    await expect(index(path)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE', message: expect.stringContaining('not a tar archive') });
  });
});
