// BlobStore over a legacy `docker save` archive (manifest.json + <id>/layer.tar), which has no image manifest.
//
// Such archives hold the config and the layers but no registry manifest, so this store describes them with
// the Docker v2 schema 2 manifest they stand for: config and layers as stored, in compact JSON (docs/cli.md).
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '../../../core/model.ts';
import { SextantError } from '../../../core/errors.ts';
import type { BlobStore, FetchedManifest, ManifestRef } from '../../blob-store.ts';
import { sha256Digest } from '../../descriptor.ts';
import { parseImageConfig } from '../../image-config.ts';
import { obj, str, strArray } from '../../json.ts';
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_LAYER_TAR, DOCKER_MANIFEST } from '../../media-types.ts';
import { MAX_CONFIG_BYTES } from '../../resolve.ts';
import { MAX_MANIFEST_BYTES } from '../oci-layout/layout-store.ts';
import type { ArchiveFiles } from './archive-files.ts';
import type { FileRange } from '../../file-range-digest.ts';
import { SNIFF_BYTES, sniffCompression } from '../../../layerfs/inflate.ts';
import { normalize } from './tar-index.ts';

const DOCKER_LAYER_ZSTD = 'application/vnd.docker.image.rootfs.diff.tar.zstd';

/** A BlobStore for legacy `docker save` archives. Blobs are found by digest through the member names. */
export class DockerArchiveStore implements BlobStore {
  readonly location: string;
  /** `RepoTags` of the image, e.g. `["debian:12"]`. */
  readonly repoTags: string[];
  private readonly files: ArchiveFiles;
  private readonly members = new Map<string, string>();
  private manifest: FetchedManifest | null = null;
  private readonly entry: { config: string; layers: string[] };

  private constructor(files: ArchiveFiles, entry: { config: string; layers: string[] }, repoTags: string[]) {
    this.files = files;
    this.location = files.label;
    this.entry = entry;
    this.repoTags = repoTags;
  }

  /** Read manifest.json from `files`; NOT_AN_IMAGE when it is missing or lists no image. */
  static async open(files: ArchiveFiles): Promise<DockerArchiveStore> {
    const where = `${files.label}: manifest.json`;
    const size = await files.size('manifest.json');
    if (size === undefined) throw new SextantError('NOT_AN_IMAGE', `${files.label} is not an image archive (no manifest.json or index.json)`);
    if (size > MAX_MANIFEST_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${where} is too large (${size} bytes)`);
    let doc: unknown;
    try {
      doc = JSON.parse(((await files.read('manifest.json')) as Buffer).toString('utf8'));
    } catch (err) {
      throw new SextantError('CORRUPT', `${where} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (!Array.isArray(doc) || doc.length === 0) throw new SextantError('NOT_AN_IMAGE', `${where} lists no images`);
    const images = doc.map((e) => {
      const o = obj(e);
      const config = str(o?.Config);
      const layers = strArray(o?.Layers);
      if (!config || !layers) throw new SextantError('CORRUPT', `${where}: entry lacks Config or Layers`);
      return { config: normalize(config), layers: layers.map(normalize), repoTags: strArray(o?.RepoTags) ?? [] };
    });
    if (images.length > 1) {
      const names = images.map((i) => i.repoTags[0] ?? i.config).join(', ');
      throw new SextantError('UNSUPPORTED', `${files.label} holds ${images.length} images (${names}); save one image per archive`);
    }
    const image = images[0] as (typeof images)[number];
    for (const name of [image.config, ...image.layers]) {
      if (!files.has(name)) throw new SextantError('CORRUPT', `${files.label}: manifest.json names ${name}, which the archive lacks`);
    }
    return new DockerArchiveStore(files, image, image.repoTags);
  }

  async getManifest(ref: ManifestRef): Promise<FetchedManifest> {
    this.manifest ??= await this.describe();
    const digest = 'digest' in ref ? ref.digest : 'descriptor' in ref ? ref.descriptor.digest : this.manifest.digest;
    if (digest !== this.manifest.digest) throw new SextantError('NOT_FOUND', `${this.location} has no manifest ${digest}`);
    return this.manifest;
  }

  async readBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
    const name = this.member(descriptor);
    if (descriptor.size > maxBytes) throw new SextantError('LIMIT_EXCEEDED', `${name} in ${this.location} is too large (${descriptor.size} bytes)`);
    return (await this.files.read(name)) as Buffer;
  }

  async openBlob(descriptor: Descriptor): Promise<Readable> {
    return this.files.open(this.member(descriptor));
  }

  async blobFileRange(descriptor: Descriptor): Promise<FileRange | undefined> {
    return this.files.range(this.member(descriptor));
  }

  close(): Promise<void> {
    return this.files.close();
  }

  private member(d: Descriptor): string {
    const name = this.members.get(d.digest);
    if (!name) throw new SextantError('NOT_FOUND', `blob ${d.digest} is missing from ${this.location}`);
    return name;
  }

  /** Build the schema 2 manifest the archive stands for. */
  private async describe(): Promise<FetchedManifest> {
    const configSize = (await this.files.size(this.entry.config)) as number;
    if (configSize > MAX_CONFIG_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${this.location}: config ${this.entry.config} is too large`);
    const configBytes = (await this.files.read(this.entry.config)) as Buffer;
    const config = parseImageConfig(configBytes, `${this.location}: ${this.entry.config}`);
    if (config.diffIds.length !== this.entry.layers.length) {
      throw new SextantError('CORRUPT', `${this.location}: manifest.json lists ${this.entry.layers.length} layers but the config lists ${config.diffIds.length} diffIDs`);
    }
    const configDigest = sha256Digest(configBytes);
    this.members.set(configDigest, this.entry.config);
    const layers: Descriptor[] = [];
    for (const [i, name] of this.entry.layers.entries()) {
      const size = (await this.files.size(name)) as number;
      const compression = sniffCompression((await this.files.head(name, SNIFF_BYTES)) ?? Buffer.alloc(0));
      // An uncompressed layer's stored digest is its diffID (the walk verifies both); a compressed one must be hashed.
      const digest = compression === 'none' ? (config.diffIds[i] as string) : await this.hashMember(name);
      const mediaType = compression === 'gzip' ? DOCKER_LAYER_GZIP : compression === 'zstd' ? DOCKER_LAYER_ZSTD : DOCKER_LAYER_TAR;
      this.members.set(digest, name);
      layers.push({ mediaType, size, digest });
    }
    const bytes = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: DOCKER_CONFIG, size: configBytes.length, digest: configDigest }, layers }),
    );
    return { bytes, mediaType: DOCKER_MANIFEST, digest: sha256Digest(bytes) };
  }

  private async hashMember(name: string): Promise<string> {
    const hash = createHash('sha256');
    await pipeline(this.files.open(name), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) hash.update(chunk);
    });
    return `sha256:${hash.digest('hex')}`;
  }
}
