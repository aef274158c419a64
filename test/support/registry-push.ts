// Pushes image-builder images and indexes to a registry with Sextant's own client: monolithic blob uploads, then manifests.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { RegistryClient } from '../../src/image/registry/client.ts';
import { isIndexType, isManifestType } from '../../src/image/media-types.ts';
import { type Blob, buildIndex, type BuiltImage, indexEntry } from './image-builder.ts';

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

/**
 * Push image-builder blobs in the order a registry accepts them: plain blobs (configs, layers, attestation
 * statements) first, then image manifests by digest, then nested indexes by digest, so every manifest's
 * references already exist when it is put.
 */
export async function pushBlobs(client: RegistryClient, repository: string, blobs: readonly Blob[]): Promise<void> {
  const unique = [...new Map(blobs.map((b) => [b.digest, b])).values()];
  for (const b of unique.filter((x) => !isManifestType(x.mediaType) && !isIndexType(x.mediaType))) await pushBlob(client, repository, b.bytes);
  for (const b of unique.filter((x) => isManifestType(x.mediaType))) await pushManifest(client, repository, b.digest, b.bytes, b.mediaType);
  for (const b of unique.filter((x) => isIndexType(x.mediaType))) await pushManifest(client, repository, b.digest, b.bytes, b.mediaType);
}

/** Push a built image's config and layers, then its manifest under `tag`; returns the digest the registry reports. */
export async function pushImage(client: RegistryClient, repository: string, tag: string, image: BuiltImage): Promise<string> {
  await pushBlobs(client, repository, [image.config, ...image.layers]);
  return pushManifest(client, repository, tag, image.manifest.bytes, image.manifest.mediaType);
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

/** What {@link pushIndex} puts under a tag: built images (the index lists them), or a ready index and every blob it reaches. */
export type IndexContent = readonly BuiltImage[] | { index: Blob; blobs: readonly Blob[] };

/**
 * Push an index under `tag`, after everything it names. Given built images, the index is made with image-builder's
 * `buildIndex(images.map(indexEntry), docker)` (OCI by default, a Docker manifest list with `docker`); given
 * `{index, blobs}` (for attestation manifests and the like), the blobs and manifests are pushed as they are.
 * Returns the index blob, whose digest the registry has confirmed.
 */
export async function pushIndex(client: RegistryClient, repository: string, tag: string, content: IndexContent, docker = false): Promise<Blob> {
  const { index, blobs } =
    'index' in content ? content : { index: buildIndex(content.map((image) => indexEntry(image)), docker), blobs: content.flatMap((image) => image.blobs) };
  await pushBlobs(client, repository, blobs);
  const digest = await pushManifest(client, repository, tag, index.bytes, index.mediaType);
  if (digest !== index.digest) throw new Error(`registry ${client.host}: index pushed as ${index.digest} but stored as ${digest}`);
  return index;
}
