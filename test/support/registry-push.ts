// Pushes images and indexes to a registry with Sextant's own client: monolithic blob uploads, then manifests.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Platform } from '../../src/core/model.ts';
import type { RegistryClient } from '../../src/image/registry/client.ts';
import type { BuiltImage } from './registry-image.ts';

/** A blob to upload: its bytes, or the path of a file holding them. */
export type BlobSource = Buffer | string;

const PUSH = ['pull', 'push'] as const;

/** Digest and size of a blob source, streaming files rather than reading them whole. */
async function describe(blob: BlobSource): Promise<{ digest: string; size: number }> {
  if (Buffer.isBuffer(blob)) return { digest: `sha256:${createHash('sha256').update(blob).digest('hex')}`, size: blob.length };
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(blob) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** Upload one blob unless the registry has it: `POST …/blobs/uploads/`, then `PUT <location>?digest=…` with the bytes. */
export async function pushBlob(client: RegistryClient, repository: string, blob: BlobSource): Promise<{ digest: string; size: number }> {
  const { digest, size } = await describe(blob);
  const head = await client.request(repository, PUSH, `/v2/${repository}/blobs/${digest}`, { method: 'HEAD' });
  await head.body?.cancel();
  if (head.ok) return { digest, size };
  const start = await client.request(repository, PUSH, `/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } });
  await client.expectOk(start, repository, 'blob upload');
  await start.body?.cancel();
  const location = start.headers.get('location');
  if (!location) throw new Error(`registry ${client.host}: upload started without a Location`);
  const url = new URL(location, await client.baseUrl());
  url.searchParams.set('digest', digest);
  const put = await client.request(repository, PUSH, url.toString(), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: () => (Buffer.isBuffer(blob) ? blob : createReadStream(blob)),
  });
  await client.expectOk(put, repository, `blob upload ${digest}`);
  await put.body?.cancel();
  return { digest, size };
}

/** Put a manifest or index under a tag or its digest, with its media type; returns the digest the registry reports. */
export async function pushManifest(client: RegistryClient, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
  const res = await client.request(repository, PUSH, `/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: () => bytes,
  });
  await client.expectOk(res, repository, `manifest ${reference}`);
  await res.body?.cancel();
  return res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Push a built image's config and layers, then its manifest under `tag`; returns the manifest digest. */
export async function pushImage(client: RegistryClient, repository: string, tag: string, image: BuiltImage): Promise<string> {
  await pushBlob(client, repository, image.config);
  for (const layer of image.layers) await pushBlob(client, repository, layer.bytes);
  return pushManifest(client, repository, tag, image.manifest, image.manifestMediaType);
}

/** Push blobs given as buffers or files, then a manifest's exact bytes under `tag`. */
export async function pushRaw(
  client: RegistryClient,
  repository: string,
  tag: string,
  blobs: BlobSource[],
  manifest: BlobSource,
  mediaType: string,
): Promise<string> {
  for (const blob of blobs) await pushBlob(client, repository, blob);
  const bytes = Buffer.isBuffer(manifest) ? manifest : await readFile(manifest);
  return pushManifest(client, repository, tag, bytes, mediaType);
}

/** A pushed multi-platform index: its bytes, digest and media type. */
export interface PushedIndex {
  bytes: Buffer;
  digest: string;
  mediaType: string;
}

/**
 * Push several images by digest, then an index (OCI by default, or a Docker manifest list) naming them with their
 * platforms under `tag`, so platform selection can be tested against a real registry.
 */
export async function pushIndex(
  client: RegistryClient,
  repository: string,
  tag: string,
  images: BuiltImage[],
  format: 'oci' | 'docker' = 'oci',
): Promise<PushedIndex> {
  const manifests: { mediaType: string; digest: string; size: number; platform: Platform }[] = [];
  for (const image of images) {
    await pushBlob(client, repository, image.config);
    for (const layer of image.layers) await pushBlob(client, repository, layer.bytes);
    await pushManifest(client, repository, image.digest, image.manifest, image.manifestMediaType);
    manifests.push({ mediaType: image.manifestMediaType, digest: image.digest, size: image.manifest.length, platform: image.platform });
  }
  const mediaType = format === 'docker' ? 'application/vnd.docker.distribution.manifest.list.v2+json' : 'application/vnd.oci.image.index.v1+json';
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }));
  const digest = await pushManifest(client, repository, tag, bytes, mediaType);
  return { bytes, digest, mediaType };
}
