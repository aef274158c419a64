// RegistryBlobStore against real registries (distribution 2.8): no auth over HTTP, Basic over HTTPS, Bearer tokens.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Descriptor } from '../../../core/model.ts';
import { isSextantError } from '../../../core/errors.ts';
import { type Blob, buildImage, type BuiltImage, type ImageSpec } from '../../../../test/support/image-builder.ts';
import { pushImage, pushIndex, pushRaw } from '../../../../test/support/registry-push.ts';
import { type RegistryAuthMode, startRegistry, type TestRegistry } from '../../../../test/support/registry-server.ts';
import { buildTar, sha256 } from '../../../../test/support/tar-builder.ts';
import { RegistryClient } from '../../registry/client.ts';
import { RegistryBlobStore } from './registry-store.ts';

const MODES: RegistryAuthMode[] = ['none', 'htpasswd', 'token'];

/** An image with one gzip layer holding `files` (path → content); the rest of `spec` as image-builder takes it. */
async function testImage(
  files: Record<string, string> = { 'etc/os-release': 'ID=sextant\nVERSION_ID=1\n', 'hello.txt': 'hello from a registry\n' },
  spec: Omit<ImageSpec, 'layers'> = {},
): Promise<BuiltImage> {
  const tar = await buildTar(Object.entries(files).map(([name, content]) => ({ name, content })));
  return buildImage({ ...spec, layers: [{ tar }] });
}

/** The descriptor of a built blob, without its bytes. */
function descriptorOf(blob: Blob): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

describe.each(MODES)('RegistryBlobStore, registry auth %s', (mode) => {
  let registry: TestRegistry;
  let image: BuiltImage;
  const repository = 'sextant/test-image';

  beforeAll(async () => {
    registry = await startRegistry({ auth: mode });
    image = await testImage();
    await pushImage(new RegistryClient(registry.clientOptions()), repository, 'v1', image);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const store = (repo = repository, credentials = registry.credentials) =>
    new RegistryBlobStore({ ...registry.clientOptions(credentials), repository: repo });

  it('fetches the manifest by tag with its media type and digest', async () => {
    const fetched = await store().getManifest({ tag: 'v1' });
    expect(fetched.bytes.equals(image.manifest.bytes)).toBe(true);
    expect(fetched.mediaType).toBe(image.manifest.mediaType);
    expect(fetched.digest).toBe(image.manifest.digest);
  });

  it('fetches the manifest by digest', async () => {
    const fetched = await store().getManifest({ descriptor: descriptorOf(image.manifest) });
    expect(fetched.digest).toBe(image.manifest.digest);
    expect(fetched.bytes.equals(image.manifest.bytes)).toBe(true);
  });

  it('reads the config blob, verified', async () => {
    const config = await store().readBlob(descriptorOf(image.config), 1 << 20);
    expect(config.equals(image.config.bytes)).toBe(true);
  });

  it('refuses a blob larger than the caller allows', async () => {
    await expect(store().readBlob(descriptorOf(image.config), 10)).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });

  it('streams the layer and its bytes hash to the layer digest', async () => {
    const layer = image.layers[0]!;
    const stream = await store().openBlob(descriptorOf(layer));
    const hash = createHash('sha256');
    for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
    expect(`sha256:${hash.digest('hex')}`).toBe(layer.digest);
  });

  it('reports a missing tag as NOT_FOUND naming registry, repository and tag', async () => {
    const err = await store().getManifest({ tag: 'nope' }).catch((e: unknown) => e);
    expect(isSextantError(err, 'NOT_FOUND')).toBe(true);
    expect((err as Error).message).toContain(`registry ${registry.host}`);
    expect((err as Error).message).toContain(`${repository}:nope`);
  });

  it('reports a missing repository as NOT_FOUND', async () => {
    const err = await store('sextant/absent').getManifest({ tag: null }).catch((e: unknown) => e);
    expect(isSextantError(err, 'NOT_FOUND')).toBe(true);
    expect((err as Error).message).toContain('sextant/absent:latest');
  });

  it('reports a missing blob as NOT_FOUND', async () => {
    const descriptor = { mediaType: 'application/octet-stream', digest: `sha256:${'0'.repeat(64)}`, size: 3 };
    await expect(store().openBlob(descriptor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('rejects a blob whose descriptor size is wrong', async () => {
    const descriptor = { ...descriptorOf(image.config), size: image.config.size + 1 };
    await expect(store().readBlob(descriptor, 1 << 20)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('rejects a manifest that does not hash to the digest asked for', async () => {
    // Distribution serves by digest only what hashes to it, so ask a known manifest with a descriptor of the wrong size.
    const descriptor = { ...descriptorOf(image.manifest), size: 1 };
    await expect(store().getManifest({ descriptor })).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  if (mode !== 'none') {
    it('turns a wrong password into AUTH_FAILED naming registry and repository', async () => {
      const err = await store(repository, { username: 'sextant', password: 'wrong' })
        .getManifest({ tag: 'v1' })
        .catch((e: unknown) => e);
      expect(isSextantError(err, 'AUTH_FAILED')).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`^registry ${registry.host}: authentication failed for ${repository} \\(401\\)`));
    });

    it('turns missing credentials into AUTH_FAILED with a hint', async () => {
      const err = await store(repository, null).getManifest({ tag: 'v1' }).catch((e: unknown) => e);
      expect(isSextantError(err, 'AUTH_FAILED')).toBe(true);
      expect((err as Error).message).toContain('no credentials found');
    });
  }

  it('reads an index and the manifests it names (multi-platform push)', async () => {
    const arm = await testImage({ 'arch.txt': 'arm64\n' }, { os: 'linux', architecture: 'arm64', variant: 'v8' });
    const amd = await testImage({ 'arch.txt': 'amd64\n' }, { os: 'linux', architecture: 'amd64' });
    const index = await pushIndex(new RegistryClient(registry.clientOptions()), repository, 'multi', [amd, arm]);
    const s = store();
    const fetched = await s.getManifest({ tag: 'multi' });
    expect(fetched.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(fetched.digest).toBe(index.digest);
    const doc = JSON.parse(fetched.bytes.toString()) as { manifests: Descriptor[] };
    const entry = doc.manifests.find((m) => m.platform?.architecture === 'arm64')!;
    const manifest = await s.getManifest({ descriptor: entry });
    expect(manifest.digest).toBe(arm.manifest.digest);
  });

  it('reads a Docker schema 2 image under a Docker manifest list', async () => {
    const docker = await testImage({ 'docker.txt': 'schema 2\n' }, { docker: true });
    const index = await pushIndex(new RegistryClient(registry.clientOptions()), repository, 'docker', [docker], true);
    const s = store();
    const list = await s.getManifest({ tag: 'docker' });
    expect(list.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(list.digest).toBe(index.digest);
    const manifest = await s.getManifest({ descriptor: descriptorOf(docker.manifest) });
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect((await s.readBlob(descriptorOf(docker.config), 1 << 20)).equals(docker.config.bytes)).toBe(true);
  });

  it('pushes blobs from files and streams a large layer without reading it whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-push-'));
    try {
      const layer = randomBytes(3 * 2 ** 20); // incompressible, so the stream arrives in many chunks
      const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
        }),
      );
      const paths = ['layer', 'config', 'manifest'].map((n) => join(dir, n));
      writeFileSync(paths[0]!, layer);
      writeFileSync(paths[1]!, config);
      writeFileSync(paths[2]!, manifest);
      const digest = await pushRaw(new RegistryClient(registry.clientOptions()), repository, 'files', [paths[0]!, paths[1]!], paths[2]!, 'application/vnd.oci.image.manifest.v1+json');
      expect(digest).toBe(sha256(manifest));

      const s = store();
      const descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length };
      // Stop after the first chunk: the download must be abandoned, not drained, and the store must stay usable.
      const early = await s.openBlob(descriptor);
      for await (const chunk of early as AsyncIterable<Buffer>) {
        expect(chunk.length).toBeLessThan(layer.length);
        break;
      }
      expect(early.destroyed).toBe(true);
      const stream = await s.openBlob(descriptor);
      const hash = createHash('sha256');
      let chunks = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        hash.update(chunk);
        chunks++;
      }
      expect(chunks).toBeGreaterThan(1);
      expect(`sha256:${hash.digest('hex')}`).toBe(descriptor.digest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
