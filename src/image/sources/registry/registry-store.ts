// BlobStore over an OCI Distribution registry: manifests by tag or digest, size- and digest-checked blobs, streamed layers.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Descriptor } from '../../../core/model.ts';
import { SextantError } from '../../../core/errors.ts';
import type { BlobStore, FetchedManifest, ManifestRef } from '../../blob-store.ts';
import { RegistryClient, type RegistryClientOptions } from '../../registry/client.ts';

/** Where a RegistryBlobStore reads from: a registry host and one repository in it, plus the client's options. */
export interface RegistryStoreOptions extends RegistryClientOptions {
  /** Repository path, e.g. `library/alpine` (the reference parser adds Docker Hub's `library/`). */
  repository: string;
}

/** A BlobStore reading one repository of a registry. Nothing is cached on disk; layers stream from the network. */
export class RegistryBlobStore implements BlobStore {
  readonly location: string;
  /** The repository every request of this store names. */
  readonly repository: string;
  /** The client, for callers that need the API URL (`await store.client.baseUrl()`) or more requests. */
  readonly client: RegistryClient;

  constructor(options: RegistryStoreOptions) {
    this.client = new RegistryClient(options);
    this.repository = options.repository;
    this.location = `${options.registry}/${options.repository}`;
  }

  async getManifest(ref: ManifestRef): Promise<FetchedManifest> {
    if ('digest' in ref) return this.client.getManifest(this.repository, ref.digest);
    if ('descriptor' in ref) {
      const d = ref.descriptor;
      const fetched = await this.client.getManifest(this.repository, d.digest, d.mediaType);
      if (fetched.bytes.length !== d.size) {
        throw new SextantError('DIGEST_MISMATCH', `manifest ${d.digest} in ${this.location} is ${fetched.bytes.length} bytes, descriptor says ${d.size}`);
      }
      return fetched;
    }
    return this.client.getManifest(this.repository, ref.tag ?? 'latest');
  }

  async readBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer> {
    const { digest, size } = descriptor;
    if (size > maxBytes) {
      throw new SextantError('LIMIT_EXCEEDED', `blob ${digest} in ${this.location} is too large (${size} bytes, limit ${maxBytes})`);
    }
    const { stream } = await this.openChecked(descriptor);
    const [alg] = digest.split(':');
    const hash = createHash(alg === 'sha512' ? 'sha512' : 'sha256');
    const chunks: Buffer[] = [];
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        total += chunk.length;
        // The descriptor's size is the bound: a registry sending more is wrong, and memory stays at `size`.
        if (total > size) {
          throw new SextantError('DIGEST_MISMATCH', `blob ${digest} in ${this.location} is longer than the ${size} bytes its descriptor says`);
        }
        hash.update(chunk);
        chunks.push(chunk);
      }
    } finally {
      stream.destroy();
    }
    if (total !== size) {
      throw new SextantError('DIGEST_MISMATCH', `blob ${digest} in ${this.location} is ${total} bytes, descriptor says ${size}`);
    }
    const actual = `${alg}:${hash.digest('hex')}`;
    if (actual !== digest) throw new SextantError('DIGEST_MISMATCH', `blob ${digest} in ${this.location} has digest ${actual}`);
    return Buffer.concat(chunks, total);
  }

  async openBlob(descriptor: Descriptor): Promise<Readable> {
    return (await this.openChecked(descriptor)).stream;
  }

  async close(): Promise<void> {
    // Connections belong to fetch's shared pool; there is nothing of this store's own to release.
  }

  /** Open a blob and reject at once when the registry announces a length other than the descriptor's. */
  private async openChecked(descriptor: Descriptor): Promise<{ stream: Readable }> {
    const { stream, size } = await this.client.openBlob(this.repository, descriptor.digest);
    if (size !== null && size !== descriptor.size) {
      stream.destroy();
      throw new SextantError('DIGEST_MISMATCH', `blob ${descriptor.digest} in ${this.location} is ${size} bytes, descriptor says ${descriptor.size}`);
    }
    return { stream };
  }
}
