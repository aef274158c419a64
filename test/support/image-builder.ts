// Builds real images for tests: configs, manifests, indexes and attestations with real digests, written as
// OCI layouts, OCI archives and `docker save` archives. Layer tars come from tar-builder.ts.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { gzip, sha256, zstd } from './tar-builder.ts';

export type Compression = 'gzip' | 'zstd' | 'none';

/** One layer to put in a test image. */
export interface LayerSpec {
  tar: Buffer;
  compression?: Compression;
  createdBy?: string;
}

/** What a test image holds. Omitted config fields get plain defaults. */
export interface ImageSpec {
  layers: LayerSpec[];
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  config?: Record<string, unknown>;
  /** History entries that made no layer, inserted after the layer with this index (-1: before the first). */
  emptyHistory?: { after: number; createdBy: string }[];
  /** Docker schema 2 media types instead of OCI. */
  docker?: boolean;
  annotations?: Record<string, string>;
}

/** A content-addressed blob. */
export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

/** A built image: its manifest and config blobs, and every blob it references. */
export interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: (Blob & { diffId: string })[];
  platform: { os: string; architecture: string; variant?: string };
  blobs: Blob[];
}

export { buildTar, sha256 } from './tar-builder.ts';

function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

/** Compress a layer tar as asked. */
export function compress(bytes: Buffer, compression: Compression): Buffer {
  return compression === 'gzip' ? gzip(bytes) : compression === 'zstd' ? zstd(bytes) : bytes;
}

function layerMediaType(docker: boolean, c: Compression): string {
  if (docker) return `application/vnd.docker.image.rootfs.diff.tar${c === 'gzip' ? '.gzip' : c === 'zstd' ? '.zstd' : ''}`;
  return `application/vnd.oci.image.layer.v1.tar${c === 'gzip' ? '+gzip' : c === 'zstd' ? '+zstd' : ''}`;
}

/** Build config, layers and manifest with real digests. */
export function buildImage(spec: ImageSpec): BuiltImage {
  const docker = spec.docker ?? false;
  const layers = spec.layers.map((l) => {
    const c = l.compression ?? 'gzip';
    return { ...blob(layerMediaType(docker, c), compress(l.tar, c)), diffId: sha256(l.tar) };
  });
  const history: Record<string, unknown>[] = [];
  const empties = spec.emptyHistory ?? [];
  const created = spec.created ?? '2026-01-02T03:04:05Z';
  for (const e of empties.filter((x) => x.after === -1)) history.push({ created, created_by: e.createdBy, empty_layer: true });
  spec.layers.forEach((l, i) => {
    history.push({ created, created_by: l.createdBy ?? `layer ${i}` });
    for (const e of empties.filter((x) => x.after === i)) history.push({ created, created_by: e.createdBy, empty_layer: true });
  });
  const platform = { os: spec.os ?? 'linux', architecture: spec.architecture ?? 'amd64', ...(spec.variant ? { variant: spec.variant } : {}) };
  const configDoc = {
    created,
    ...platform,
    config: spec.config ?? { Env: ['PATH=/usr/bin:/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  const config = blob(docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify(configDoc)));
  const manifestType = docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json';
  const manifestDoc = {
    schemaVersion: 2,
    mediaType: manifestType,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifest = blob(manifestType, Buffer.from(JSON.stringify(manifestDoc)));
  return { manifest, config, layers, platform, blobs: [manifest, config, ...layers] };
}

/** An index entry pointing at an image manifest. */
export function indexEntry(image: BuiltImage, annotations?: Record<string, string>): Record<string, unknown> {
  return {
    mediaType: image.manifest.mediaType,
    digest: image.manifest.digest,
    size: image.manifest.size,
    platform: image.platform,
    ...(annotations ? { annotations } : {}),
  };
}

/** A BuildKit-style attestation manifest for `image`, one in-toto layer per statement. */
export function buildAttestation(image: BuiltImage, statements: { predicateType: string; predicate: unknown }[]): { entry: Record<string, unknown>; blobs: Blob[] } {
  const layers = statements.map((s) =>
    blob(
      'application/vnd.in-toto+json',
      Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: s.predicateType, subject: [{ name: 'pkg:docker/test@latest', digest: { sha256: image.manifest.digest.slice(7) } }], predicate: s.predicate })),
    ),
  );
  const config = blob('application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) } })));
  const manifest = blob(
    'application/vnd.oci.image.manifest.v1+json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: layers.map((l, i) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size, annotations: { 'in-toto.io/predicate-type': statements[i]?.predicateType } })),
      }),
    ),
  );
  return {
    entry: {
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': image.manifest.digest },
    },
    blobs: [manifest, config, ...layers],
  };
}

/** An OCI image index over entries. */
export function buildIndex(entries: Record<string, unknown>[], docker = false): Blob {
  const mediaType = docker ? 'application/vnd.docker.distribution.manifest.list.v2+json' : 'application/vnd.oci.image.index.v1+json';
  return blob(mediaType, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries })));
}

/** Files of an OCI layout whose index.json lists `entries` and holds `blobs`. */
function layoutFiles(entries: Record<string, unknown>[], blobs: Blob[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries })));
  for (const b of blobs) files.set(`blobs/sha256/${b.digest.slice(7)}`, b.bytes);
  return files;
}

/** Write an OCI layout directory. */
export async function writeOciLayout(dir: string, entries: Record<string, unknown>[], blobs: Blob[]): Promise<void> {
  for (const [name, bytes] of layoutFiles(entries, blobs)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), bytes);
  }
}

/** Write a tar of named members (in the given order) to `path`. */
export async function writeTar(path: string, members: [string, Buffer][]): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(path));
  for (const [name, bytes] of members) {
    await new Promise<void>((resolve, reject) => pack.entry({ name, size: bytes.length }, bytes, (err) => (err ? reject(err) : resolve())));
  }
  pack.finalize();
  await done;
}

/** Write an OCI image archive: a tar holding an OCI layout. */
export async function writeOciArchive(path: string, entries: Record<string, unknown>[], blobs: Blob[]): Promise<void> {
  await writeTar(path, [...layoutFiles(entries, blobs)]);
}

/** Write a legacy `docker save` archive (Docker before 25): `<id>/layer.tar` members, manifest.json last. */
export async function writeDockerArchive(path: string, image: BuiltImage, repoTags: string[] = ['test/image:latest'], uncompressedLayers?: Buffer[]): Promise<void> {
  const id = image.config.digest.slice(7);
  const members: [string, Buffer][] = [];
  const layerNames = image.layers.map((l, i) => {
    const name = `${l.diffId.slice(7, 71)}/layer.tar`;
    members.push([name, uncompressedLayers?.[i] ?? l.bytes]);
    return name;
  });
  members.push([`${id}.json`, image.config.bytes]);
  members.push(['manifest.json', Buffer.from(JSON.stringify([{ Config: `${id}.json`, RepoTags: repoTags, Layers: layerNames }]))]);
  await writeTar(path, members);
}
