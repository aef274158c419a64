// BlobStore over an OCI image layout (index.json + blobs/<alg>/<hex>), on disk or inside an archive.
import type { Readable } from 'node:stream';
import type { Descriptor } from '../../../core/model.ts';
import { SextantError } from '../../../core/errors.ts';
import type { BlobStore, FetchedManifest, ManifestRef } from '../../blob-store.ts';
import { parseDescriptor, sha256Digest } from '../../descriptor.ts';
import { parseJsonObject, str } from '../../json.ts';
import { OCI_INDEX } from '../../media-types.ts';
import type { LayoutFiles } from '../layout-files.ts';
import type { FileRange } from '../../file-range-digest.ts';

/** Largest manifest or index Sextant reads. */
export const MAX_MANIFEST_BYTES = 4 * 2 ** 20;

/** Annotation names under which layouts record tags (OCI's own, and the full name containerd writes). */
const REF_NAME = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME = 'io.containerd.image.name';

/** A BlobStore reading an OCI layout through LayoutFiles. */
export class OciLayoutStore implements BlobStore {
  readonly location: string;
  readonly files: LayoutFiles;

  constructor(files: LayoutFiles) {
    this.files = files;
    this.location = files.label;
  }

  /** The tags the layout's index.json names, for messages. */
  async tags(): Promise<string[]> {
    const { entries } = await this.rootIndex();
    return entries.map((e) => e.annotations?.[REF_NAME]).filter((t): t is string => !!t);
  }

  async getManifest(ref: ManifestRef): Promise<FetchedManifest> {
    if ('digest' in ref) {
      // A layout names manifests in index.json; a nested one is found by reading its blob, bounded.
      const listed = (await this.rootIndex()).entries.find((e) => e.digest === ref.digest);
      if (listed) return this.getManifest({ descriptor: listed });
      const size = await this.files.size(blobName(ref.digest));
      if (size === undefined) throw new SextantError('NOT_FOUND', `no manifest ${ref.digest} in ${this.location}`);
      const bytes = await this.readBlob({ mediaType: '', digest: ref.digest, size }, MAX_MANIFEST_BYTES);
      return { bytes, mediaType: null, digest: ref.digest };
    }
    if ('descriptor' in ref) {
      const bytes = await this.readBlob(ref.descriptor, MAX_MANIFEST_BYTES);
      return { bytes, mediaType: ref.descriptor.mediaType, digest: ref.descriptor.digest };
    }
    const root = await this.rootIndex();
    let entries = root.entries;
    if (ref.tag !== null) {
      const tag = ref.tag;
      entries = entries.filter((e) => {
        const name = e.annotations?.[REF_NAME];
        const full = e.annotations?.[CONTAINERD_NAME];
        return name === tag || name?.endsWith(`:${tag}`) || full?.endsWith(`:${tag}`);
      });
      if (entries.length === 0) {
        const tags = root.entries.map((e) => e.annotations?.[REF_NAME]).filter(Boolean);
        throw new SextantError('NOT_FOUND', `no image tagged "${tag}" in ${this.location}${tags.length ? ` (tags: ${tags.join(', ')})` : ''}`);
      }
    }
    if (entries.length === 0) throw new SextantError('NOT_AN_IMAGE', `${this.location}: index.json lists no images`);
    const first = entries[0] as Descriptor;
    if (entries.length === 1) return this.getManifest({ descriptor: first });
    // Several entries (one per platform, or several images): let the resolver choose as it would from an index.
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
    return { bytes, mediaType: OCI_INDEX, digest: sha256Digest(bytes), virtual: true };
  }

  async readBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
    const name = blobName(descriptor.digest);
    const size = await this.files.size(name);
    if (size === undefined) throw this.missing(descriptor);
    if (size !== descriptor.size) {
      throw new SextantError('DIGEST_MISMATCH', `blob ${descriptor.digest} in ${this.location} is ${size} bytes, descriptor says ${descriptor.size}`);
    }
    if (size > maxBytes) throw new SextantError('LIMIT_EXCEEDED', `blob ${descriptor.digest} in ${this.location} is too large (${size} bytes, limit ${maxBytes})`);
    const bytes = await this.files.read(name);
    if (!bytes) throw this.missing(descriptor);
    const actual = sha256Digest(bytes);
    if (descriptor.digest.startsWith('sha256:') && actual !== descriptor.digest) {
      throw new SextantError('DIGEST_MISMATCH', `blob ${descriptor.digest} in ${this.location} has digest ${actual}`);
    }
    return bytes;
  }

  async openBlob(descriptor: Descriptor): Promise<Readable> {
    const name = blobName(descriptor.digest);
    if ((await this.files.size(name)) === undefined) throw this.missing(descriptor);
    return this.files.open(name);
  }

  async blobFileRange(descriptor: Descriptor): Promise<FileRange | undefined> {
    const name = blobName(descriptor.digest);
    if ((await this.files.size(name)) === undefined) throw this.missing(descriptor);
    return this.files.range(name);
  }

  close(): Promise<void> {
    return this.files.close();
  }

  private async rootIndex(): Promise<{ entries: Descriptor[] }> {
    const size = await this.files.size('index.json');
    if (size === undefined) throw new SextantError('NOT_AN_IMAGE', `${this.location} is not an OCI image layout (no index.json)`);
    if (size > MAX_MANIFEST_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${this.location}: index.json is too large (${size} bytes)`);
    const layout = await this.files.read('oci-layout');
    if (layout) {
      const version = str(parseJsonObject(layout, `${this.location}: oci-layout`).imageLayoutVersion);
      if (version && !version.startsWith('1.')) throw new SextantError('UNSUPPORTED', `${this.location}: unsupported OCI layout version ${version}`);
    }
    const doc = parseJsonObject((await this.files.read('index.json')) as Buffer, `${this.location}: index.json`);
    if (!Array.isArray(doc.manifests)) throw new SextantError('CORRUPT', `${this.location}: index.json has no manifests array`);
    return { entries: doc.manifests.map((m, i) => parseDescriptor(m, `${this.location}: index.json manifests[${i}]`)) };
  }

  private missing(d: Descriptor): SextantError {
    return new SextantError('NOT_FOUND', `blob ${d.digest} is missing from ${this.location}`);
  }
}

/** Path of a blob inside a layout. Digests are validated before they get here, so the name is safe. */
export function blobName(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}
