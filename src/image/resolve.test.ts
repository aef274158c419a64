import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Blob,
  buildAttestation,
  buildImage,
  buildIndex,
  indexEntry,
  sha256,
  writeOciArchive,
  writeOciLayout,
} from '../../test/support/image-builder.ts';
import { hostPlatform, parsePlatform } from './platform.ts';
import { listPlatforms, resolveImage } from './resolve.ts';
import { openDirectoryFiles } from './sources/oci-layout/directory-files.ts';
import { OciLayoutStore } from './sources/oci-layout/layout-store.ts';
import { openArchiveFiles } from './sources/archive/archive-files.ts';

// Resolution never walks layers, so any bytes stand in for the layer tars here.
const fakeTar = (s: string) => Buffer.from(s.padEnd(1024, '\0'));

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-resolve-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function layout(entries: Record<string, unknown>[], blobs: Blob[]) {
  const path = join(dir, `layout-${n++}`);
  await writeOciLayout(path, entries, blobs);
  return new OciLayoutStore(await openDirectoryFiles(path));
}

const amd64 = buildImage({ layers: [{ tar: fakeTar('amd64') }], architecture: 'amd64' });
const arm64 = buildImage({ layers: [{ tar: fakeTar('arm64') }, { tar: fakeTar('two'), compression: 'zstd' }], architecture: 'arm64', variant: 'v8' });
const armv7 = buildImage({ layers: [{ tar: fakeTar('armv7') }], architecture: 'arm', variant: 'v7' });
const multi = buildIndex([indexEntry(amd64), indexEntry(arm64), indexEntry(armv7)]);
const allBlobs = [multi, ...amd64.blobs, ...arm64.blobs, ...armv7.blobs];

describe('resolveImage', () => {
  it('reads a single-manifest layout: config, layers with diffIDs, no index', async () => {
    const store = await layout([{ ...indexEntry(amd64), annotations: { 'org.opencontainers.image.ref.name': 'v1' } }], amd64.blobs);
    const image = await resolveImage(store, { tag: null }, null);
    expect(image.manifestDigest).toBe(amd64.manifest.digest);
    expect(image.indexDigest).toBeNull();
    expect(image.configDescriptor.digest).toBe(amd64.config.digest);
    expect(image.layers).toEqual([expect.objectContaining({ digest: amd64.layers[0]?.digest, diffId: sha256(fakeTar('amd64')) })]);
    expect(image.config.architecture).toBe('amd64');
  });

  it('picks a platform from an index, reporting the index digest', async () => {
    const store = await layout([{ mediaType: multi.mediaType, digest: multi.digest, size: multi.size }], allBlobs);
    const arm = await resolveImage(store, { tag: null }, parsePlatform('linux/arm64'));
    expect(arm.manifestDigest).toBe(arm64.manifest.digest);
    expect(arm.indexDigest).toBe(multi.digest);
    expect(arm.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.oci.image.layer.v1.tar+zstd']);
    const v7 = await resolveImage(store, { tag: null }, parsePlatform('linux/arm/v7'));
    expect(v7.manifestDigest).toBe(armv7.manifest.digest);
    const host = await resolveImage(store, { tag: null }, null);
    expect(host.config.architecture).toBe(hostPlatform().architecture);
  });

  it('names the available platforms when the one asked for is absent', async () => {
    const store = await layout([{ mediaType: multi.mediaType, digest: multi.digest, size: multi.size }], allBlobs);
    await expect(resolveImage(store, { tag: null }, parsePlatform('linux/s390x'))).rejects.toMatchObject({
      code: 'UNKNOWN_PLATFORM',
      message: expect.stringMatching(/linux\/s390x.*available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7/),
    });
  });

  it('checks an explicit platform against a lone image\'s config', async () => {
    const store = await layout([indexEntry(amd64)], amd64.blobs);
    await expect(resolveImage(store, { tag: null }, parsePlatform('linux/arm64'))).rejects.toMatchObject({ code: 'UNKNOWN_PLATFORM' });
  });

  it('selects by tag in a layout and lists the tags on a miss', async () => {
    const store = await layout(
      [
        { ...indexEntry(amd64), annotations: { 'org.opencontainers.image.ref.name': 'one' } },
        { ...indexEntry(arm64), annotations: { 'org.opencontainers.image.ref.name': 'two' } },
      ],
      [...amd64.blobs, ...arm64.blobs],
    );
    expect((await resolveImage(store, { tag: 'two' }, null)).manifestDigest).toBe(arm64.manifest.digest);
    await expect(resolveImage(store, { tag: 'three' }, null)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('tags: one, two') });
  });

  it('finds the attestation manifests that point at the chosen image', async () => {
    const att = buildAttestation(amd64, [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: {} }]);
    const index = buildIndex([indexEntry(amd64), indexEntry(arm64), att.entry]);
    const store = await layout([{ mediaType: index.mediaType, digest: index.digest, size: index.size }], [index, ...amd64.blobs, ...arm64.blobs, ...att.blobs]);
    const image = await resolveImage(store, { tag: null }, parsePlatform('linux/amd64'));
    expect(image.attestationManifests.map((d) => d.digest)).toEqual([att.entry.digest]);
    const other = await resolveImage(store, { tag: null }, parsePlatform('linux/arm64'));
    expect(other.attestationManifests).toEqual([]);
  });

  it('reads the same layout from inside an OCI archive', async () => {
    const path = join(dir, 'oci.tar');
    await writeOciArchive(path, [{ mediaType: multi.mediaType, digest: multi.digest, size: multi.size }], allBlobs);
    const store = new OciLayoutStore(await openArchiveFiles(path));
    const image = await resolveImage(store, { tag: null }, parsePlatform('linux/arm64'));
    expect(image.manifestDigest).toBe(arm64.manifest.digest);
    await store.close();
  });

  it('rejects a config whose bytes do not match its digest', async () => {
    const path = join(dir, `layout-${n++}`);
    await writeOciLayout(path, [indexEntry(amd64)], amd64.blobs);
    const tampered = Buffer.from(amd64.config.bytes.toString().replace('amd64', 'AMD64'));
    await writeFile(join(path, 'blobs/sha256', amd64.config.digest.slice(7)), tampered);
    const store = new OciLayoutStore(await openDirectoryFiles(path));
    await expect(resolveImage(store, { tag: null }, null)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('refuses schema 1 manifests, non-image artifacts and unknown layer types as UNSUPPORTED', async () => {
    const schema1 = { mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', bytes: Buffer.from('{"schemaVersion":1,"name":"x","fsLayers":[]}') };
    const s1: Blob = { ...schema1, digest: sha256(schema1.bytes), size: schema1.bytes.length };
    await expect(resolveImage(await layout([{ mediaType: s1.mediaType, digest: s1.digest, size: s1.size }], [s1]), { tag: null }, null)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining('schema 1'),
    });
    const helmConfig = Buffer.from('{}');
    const cfg: Blob = { mediaType: 'application/vnd.cncf.helm.config.v1+json', bytes: helmConfig, digest: sha256(helmConfig), size: 2 };
    const man = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: cfg.mediaType, digest: cfg.digest, size: 2 }, layers: [] }));
    const m: Blob = { mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: man, digest: sha256(man), size: man.length };
    await expect(resolveImage(await layout([{ mediaType: m.mediaType, digest: m.digest, size: m.size }], [m, cfg]), { tag: null }, null)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining('not a container image'),
    });
    const odd = JSON.parse(amd64.manifest.bytes.toString()) as { layers: { mediaType: string }[] };
    (odd.layers[0] as { mediaType: string }).mediaType = 'application/vnd.example.weird';
    const oddBytes = Buffer.from(JSON.stringify(odd));
    const oddBlob: Blob = { mediaType: amd64.manifest.mediaType, bytes: oddBytes, digest: sha256(oddBytes), size: oddBytes.length };
    await expect(
      resolveImage(await layout([{ mediaType: oddBlob.mediaType, digest: oddBlob.digest, size: oddBlob.size }], [oddBlob, ...amd64.blobs]), { tag: null }, null),
    ).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('application/vnd.example.weird') });
  });

  it('rejects absurd descriptor sizes and malformed JSON', async () => {
    const huge = await layout([{ ...indexEntry(amd64), size: 2 ** 52 }], amd64.blobs);
    await expect(resolveImage(huge, { tag: null }, null)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('absurd size') });
    const path = join(dir, `layout-${n++}`);
    await writeOciLayout(path, [indexEntry(amd64)], amd64.blobs);
    await writeFile(join(path, 'index.json'), '{"manifests": [');
    const broken = new OciLayoutStore(await openDirectoryFiles(path));
    await expect(resolveImage(broken, { tag: null }, null)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('index.json is not valid JSON') });
  });

  it('rejects a directory that is not a layout, and a missing one', async () => {
    await expect(resolveImage(new OciLayoutStore(await openDirectoryFiles(dir)), { tag: null }, null)).rejects.toMatchObject({ code: 'NOT_AN_IMAGE' });
    await expect(openDirectoryFiles(join(dir, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('listPlatforms', () => {
  it('lists the platforms of an index or manifest list once each, without attestation manifests; null for one image', async () => {
    const att = buildAttestation(arm64, [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: {} }]);
    // A second arm64 entry without its variant (the same platform, normalized) counts once.
    const index = buildIndex([indexEntry(amd64), indexEntry(arm64), att.entry, { ...indexEntry(arm64), platform: { os: 'linux', architecture: 'arm64' } }, indexEntry(armv7)]);
    const blobs = [index, ...amd64.blobs, ...arm64.blobs, ...armv7.blobs, ...att.blobs];
    const platforms = [amd64.platform, arm64.platform, armv7.platform];
    expect(await listPlatforms(await layout([{ mediaType: index.mediaType, digest: index.digest, size: index.size }], blobs), { tag: null })).toEqual(platforms);
    // By digest, and as a Docker manifest list.
    expect(await listPlatforms(await layout([{ mediaType: index.mediaType, digest: index.digest, size: index.size }], blobs), { digest: index.digest })).toEqual(platforms);
    const list = buildIndex([indexEntry(amd64), indexEntry(arm64)], true);
    expect(await listPlatforms(await layout([{ mediaType: list.mediaType, digest: list.digest, size: list.size }], [list, ...amd64.blobs, ...arm64.blobs]), { tag: null })).toEqual([amd64.platform, arm64.platform]);
    // A layout whose index.json lists the platforms' images itself.
    expect(await listPlatforms(await layout([indexEntry(amd64), indexEntry(armv7)], [...amd64.blobs, ...armv7.blobs]), { tag: null })).toEqual([amd64.platform, armv7.platform]);
    expect(await listPlatforms(await layout([indexEntry(arm64)], arm64.blobs), { tag: null })).toBeNull();
  });
});
