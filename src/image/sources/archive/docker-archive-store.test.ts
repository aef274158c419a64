import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, sha256, writeDockerArchive, writeTar } from '../../../../test/support/image-builder.ts';
import { defaultWalkLimits } from '../../../layerfs/walk-layer.ts';
import { resolveImage } from '../../resolve.ts';
import { openArchiveFiles } from './archive-files.ts';
import { DockerArchiveStore } from './docker-archive-store.ts';

const tarA = Buffer.from('layer-a'.padEnd(2048, '\0'));
const tarB = Buffer.from('layer-b'.padEnd(2048, '\0'));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-docker-archive-'));
  await mkdir(join(dir, 'tmp'));
  process.env.TMPDIR = join(dir, 'tmp');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sextant's temporary archive copies present now (in this file's own TMPDIR, so other test files cannot interfere). */
async function sextantTemps(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((n) => n.startsWith('sextant-archive-')).sort();
}

async function open(path: string) {
  return DockerArchiveStore.open(await openArchiveFiles(path));
}

describe('DockerArchiveStore', () => {
  it('describes a legacy archive with the schema 2 manifest it stands for', async () => {
    const image = buildImage({ layers: [{ tar: tarA, compression: 'none' }, { tar: tarB, compression: 'none' }], docker: true });
    const path = join(dir, 'legacy.tar');
    await writeDockerArchive(path, image, ['ghcr.io/acme/app:1.0']);
    const store = await open(path);
    expect(store.repoTags).toEqual(['ghcr.io/acme/app:1.0']);
    const resolved = await resolveImage(store, { tag: null }, null);
    // Uncompressed layers are named by their diffIDs; the manifest is compact JSON in Docker's field order.
    expect(resolved.layers.map((l) => l.digest)).toEqual([sha256(tarA), sha256(tarB)]);
    const layer = (t: Buffer) => `{"mediaType":"application/vnd.docker.image.rootfs.diff.tar","size":${t.length},"digest":"${sha256(t)}"}`;
    const expected =
      '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",' +
      `"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":${image.config.size},"digest":"${image.config.digest}"},` +
      `"layers":[${layer(tarA)},${layer(tarB)}]}`;
    expect(resolved.manifestDigest).toBe(sha256(expected));
    expect(resolved.configDescriptor.digest).toBe(image.config.digest);
    expect((await store.readBlob(resolved.configDescriptor, 1 << 20)).equals(image.config.bytes)).toBe(true);
    await store.close();
  });

  it('hashes gzip-compressed layer members to name them', async () => {
    const image = buildImage({ layers: [{ tar: tarA, compression: 'none' }], docker: true });
    const path = join(dir, 'gz-members.tar');
    const gz = gzipSync(tarA);
    await writeDockerArchive(path, image, [], [gz]);
    const resolved = await resolveImage(await open(path), { tag: null }, null);
    expect(resolved.layers[0]).toMatchObject({ digest: sha256(gz), diffId: sha256(tarA), mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: gz.length });
  });

  it('refuses archives holding several images, missing members, and no manifest', async () => {
    const image = buildImage({ layers: [{ tar: tarA, compression: 'none' }], docker: true });
    const id = image.config.digest.slice(7);
    const several = join(dir, 'several.tar');
    const entry = { Config: `${id}.json`, Layers: ['l/layer.tar'] };
    await writeTar(several, [
      ['l/layer.tar', tarA],
      [`${id}.json`, image.config.bytes],
      ['manifest.json', Buffer.from(JSON.stringify([{ ...entry, RepoTags: ['a:1'] }, { ...entry, RepoTags: ['b:2'] }]))],
    ]);
    await expect(open(several)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('2 images (a:1, b:2)') });

    const missing = join(dir, 'missing.tar');
    await writeTar(missing, [[`${id}.json`, image.config.bytes], ['manifest.json', Buffer.from(JSON.stringify([entry]))]]);
    await expect(open(missing)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('l/layer.tar') });

    const none = join(dir, 'none.tar');
    await writeTar(none, [['hello.txt', Buffer.from('hi')]]);
    await expect(open(none)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE' });

    const badJson = join(dir, 'bad-json.tar');
    await writeTar(badJson, [['manifest.json', Buffer.from('[{"Config": ')]]);
    await expect(open(badJson)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('manifest.json is not valid JSON') });
  });

  it('reads gzip- and zstd-compressed archives through a temporary copy it removes on close', async () => {
    const image = buildImage({ layers: [{ tar: tarA, compression: 'none' }], docker: true });
    const plain = join(dir, 'to-compress.tar');
    await writeDockerArchive(plain, image, ['app:1']);
    for (const [name, bytes] of [['archive.tar.gz', gzipSync(await readFile(plain))], ['archive.tar.zst', zstdCompressSync(await readFile(plain))]] as const) {
      const path = join(dir, name);
      await writeFile(path, bytes);
      const before = await sextantTemps();
      const store = await open(path);
      expect(store.location).toBe(path);
      expect((await resolveImage(store, { tag: null }, null)).configDescriptor.digest).toBe(image.config.digest);
      expect((await sextantTemps()).length).toBe(before.length + 1);
      await store.close();
      expect(await sextantTemps()).toEqual(before);
    }
  });

  it('refuses corrupt and exploding compressed archives, leaving no temporary copy', async () => {
    const before = await sextantTemps();
    const corrupt = gzipSync(Buffer.alloc(64 * 1024, 1));
    corrupt.fill(0x33, 30, 90);
    const bad = join(dir, 'corrupt.tar.gz');
    await writeFile(bad, corrupt);
    await expect(openArchiveFiles(bad)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('corrupt.tar.gz') });
    const bomb = join(dir, 'bomb.tar.gz');
    await writeFile(bomb, gzipSync(Buffer.alloc(32 * 1024 * 1024)));
    const limits = { ...defaultWalkLimits, maxCompressionRatio: 50, ratioGraceBytes: 1 << 20 };
    await expect(openArchiveFiles(bomb, limits)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('ratio') });
    expect(await sextantTemps()).toEqual(before);
  });

  it('refuses missing and non-tar archive files with one-line errors', async () => {
    await expect(openArchiveFiles(join(dir, 'absent.tar'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const text = join(dir, 'readme.txt');
    await writeFile(text, 'just some text, not an image\n'.repeat(50));
    await expect(openArchiveFiles(text)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE' });
    await expect(openArchiveFiles(dir)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE', message: expect.stringContaining('is a directory') });
  });
});
