// Builds small real images for registry tests: a gzip layer tar made with tar-stream, a config, and a manifest, with true digests.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { Descriptor, Platform } from '../../src/core/model.ts';

/** One built layer: the stored (gzip) bytes, its descriptor, and the digest of the uncompressed tar. */
export interface BuiltLayer {
  bytes: Buffer;
  descriptor: Descriptor;
  diffId: string;
}

/** A complete single-platform image, ready to push. */
export interface BuiltImage {
  config: Buffer;
  configDescriptor: Descriptor;
  layers: BuiltLayer[];
  manifest: Buffer;
  manifestMediaType: string;
  /** `sha256:` of `manifest`. */
  digest: string;
  platform: Platform;
}

/** What goes into a test image. */
export interface ImageSpec {
  /** One layer per entry: path → file content. */
  layers?: Record<string, string>[];
  platform?: Platform;
  /** `oci` (default) or Docker schema 2 media types. */
  format?: 'oci' | 'docker';
}

/** `sha256:<hex>` of some bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A tar of the given files (directories implied by the paths are not added; the layer walkers accept that). */
export async function buildTar(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644, mtime }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Build an image whose layers hold the given files, with a config naming their diff IDs. */
export async function buildImage(spec: ImageSpec = {}): Promise<BuiltImage> {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const docker = spec.format === 'docker';
  const layerSpecs = spec.layers ?? [{ 'etc/os-release': 'ID=sextant\nVERSION_ID=1\n', 'hello.txt': 'hello from a registry\n' }];
  const layers: BuiltLayer[] = [];
  for (const files of layerSpecs) {
    const tarBytes = await buildTar(files);
    const bytes = gzipSync(tarBytes);
    const mediaType = docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip';
    layers.push({ bytes, diffId: sha256(tarBytes), descriptor: { mediaType, digest: sha256(bytes), size: bytes.length } });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      created: '2024-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      history: layers.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `test layer ${i}` })),
    }),
  );
  const configDescriptor: Descriptor = {
    mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json',
    digest: sha256(config),
    size: config.length,
  };
  const manifestMediaType = docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: manifestMediaType, config: configDescriptor, layers: layers.map((l) => l.descriptor) }),
  );
  return { config, configDescriptor, layers, manifest, manifestMediaType, digest: sha256(manifest), platform };
}
