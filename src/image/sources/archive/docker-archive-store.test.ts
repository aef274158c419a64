import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, sha256, writeDockerArchive, writeTar } from '../../../../test/support/image-builder.ts';
import { resolveImage } from '../../resolve.ts';
import { openArchiveFiles } from './archive-files.ts';
import { DockerArchiveStore } from './docker-archive-store.ts';

const tarA = Buffer.from('layer-a'.padEnd(2048, '\0'));
const tarB = Buffer.from('layer-b'.padEnd(2048, '\0'));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-docker-archive-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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

  it('refuses compressed, missing and non-tar archive files with one-line errors', async () => {
    const gz = join(dir, 'archive.tar.gz');
    await writeFile(gz, gzipSync(Buffer.alloc(4096)));
    await expect(openArchiveFiles(gz)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('gzip-compressed') });
    await expect(openArchiveFiles(join(dir, 'absent.tar'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const text = join(dir, 'readme.txt');
    await writeFile(text, 'just some text, not an image\n'.repeat(50));
    await expect(openArchiveFiles(text)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE' });
    await expect(openArchiveFiles(dir)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE', message: expect.stringContaining('is a directory') });
  });
});
