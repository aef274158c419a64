import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogLine, readCatalogLines } from './catalog.ts';

const LAYER = 'sha256:' + '1'.repeat(64);
const DIGEST = 'sha256:' + '2'.repeat(64);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-catalog-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('catalog JSON Lines', () => {
  it('reads one entry per line, skipping blank lines, with names made canonical', async () => {
    const file = join(dir, 'catalog.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify({ name: 'docker.io/library/debian', tag: '12', platform: 'linux/arm/v7', digest: DIGEST, layers: [LAYER], addedAt: '2026-01-01T00:00:00.000Z' }),
        '',
        // A line from before platforms: without one.
        JSON.stringify({ name: 'alpine', tag: '3.20', layers: [LAYER, DIGEST], comment: 'ignored' }),
        JSON.stringify({ name: 'alpine', tag: '3.20', platform: null, layers: [LAYER] }),
      ].join('\r\n'),
    );
    expect(await readCatalogLines(file)).toEqual([
      { name: 'docker.io/library/debian', tag: '12', platform: 'linux/arm/v7', digest: DIGEST, layers: [LAYER], addedAt: '2026-01-01T00:00:00.000Z' },
      { name: 'docker.io/library/alpine', tag: '3.20', platform: null, digest: null, layers: [LAYER, DIGEST] },
      { name: 'docker.io/library/alpine', tag: '3.20', platform: null, digest: null, layers: [LAYER] },
    ]);
  });

  it('names the file and line of the first malformed entry', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, `${JSON.stringify({ name: 'alpine', tag: '3.20', layers: [LAYER] })}\n\n{"name": "alpine", "tag": \n`);
    await expect(readCatalogLines(file)).rejects.toThrow(`${file}:3: not valid JSON`);
    await expect(readCatalogLines(join(dir, 'missing.jsonl'))).rejects.toThrow(/cannot read .*missing\.jsonl: no such file/);
  });

  it('checks every field', () => {
    const line = (v: unknown) => () => parseCatalogLine(JSON.stringify(v), 'f:7');
    expect(line([1])).toThrow('f:7: a catalog entry must be a JSON object');
    expect(line({ tag: '1', layers: [LAYER] })).toThrow('f:7: "name" must be a non-empty string');
    expect(line({ name: 'alpine:3.20', tag: '3.20', layers: [LAYER] })).toThrow(/f:7: "name" must be an image name without tag or digest/);
    expect(line({ name: 'Not A Name', tag: '1', layers: [LAYER] })).toThrow(/f:7: "name" must be an image name/);
    expect(line({ name: 'alpine', tag: '', layers: [LAYER] })).toThrow('f:7: "tag" must be an image tag');
    for (const platform of ['linux', 'Linux/amd64', 'linux/amd64/v8/x', 'linux/amd64.1', '', 64]) {
      expect(line({ name: 'alpine', tag: '1', platform, layers: [LAYER] })).toThrow('f:7: "platform" must be null or os/arch[/variant] in lowercase letters, digits, _ and - (linux/arm/v7)');
    }
    expect(line({ name: 'alpine', tag: '1', platform: 'linux/ppc64_le', layers: [LAYER] })().platform).toBe('linux/ppc64_le');
    expect(line({ name: 'alpine', tag: '1', digest: 'md5:abc', layers: [LAYER] })).toThrow('f:7: "digest" must be null or a sha256 digest');
    expect(line({ name: 'alpine', tag: '1', layers: [] })).toThrow('f:7: "layers" must be a non-empty list of sha256 diffIDs');
    expect(line({ name: 'alpine', tag: '1', layers: ['sha256:short'] })).toThrow('f:7: "layers" must be a non-empty list of sha256 diffIDs');
    expect(line({ name: 'alpine', tag: '1', layers: [LAYER], addedAt: 5 })).toThrow('f:7: "addedAt" must be a string');
  });
});
