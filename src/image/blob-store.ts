// BlobStore: the one interface every image source implements to hand out manifests and blobs by digest.
import type { Readable } from 'node:stream';
import type { Descriptor } from '../core/model.ts';
import type { FileRange } from './file-range-digest.ts';

/** A manifest or index as fetched: its exact bytes, the media type the source declared, and its digest. */
export interface FetchedManifest {
  bytes: Buffer;
  /** Media type from the source (HTTP Content-Type, or the descriptor that pointed at it); null when unknown. */
  mediaType: string | null;
  /** `sha256:…` of `bytes`, verified against the requested digest when one was requested. */
  digest: string;
  /**
   * True for a document that is not a content-addressed blob (an OCI layout's index.json): it can pick
   * a manifest like an index does, but its digest names nothing and is not reported as the index digest.
   */
  virtual?: boolean;
}

/** How a manifest is asked for: by tag (null: the store's default), by bare digest, or by a descriptor. */
export type ManifestRef = { tag: string | null } | { digest: string } | { descriptor: Descriptor };

/**
 * Where manifests and blobs come from: an OCI layout directory, an image archive, or a registry.
 * Everything above this interface (platform selection, config parsing, layer walking) is shared.
 */
export interface BlobStore {
  /** Human-readable name of the place, used in error messages (a path, or `host/repository`). */
  readonly location: string;
  /**
   * Fetch a manifest or index, by tag, digest or descriptor. With no tag the store picks its default
   * (an OCI layout's index.json; a registry's `latest`). The bytes are verified against a requested digest.
   * Throws SextantError NOT_FOUND when absent.
   */
  getManifest(ref: ManifestRef): Promise<FetchedManifest>;
  /**
   * Read a small blob (a config, an attestation layer) into memory. Verifies size and digest;
   * refuses blobs larger than `maxBytes` with LIMIT_EXCEEDED.
   */
  readBlob(descriptor: Descriptor, maxBytes: number): Promise<Buffer>;
  /** Open a blob (a layer) as a stream of its stored bytes. The reader verifies the digest while streaming. */
  openBlob(descriptor: Descriptor): Promise<Readable>;
  /**
   * Where a blob's stored bytes lie on local disk, for sources that keep them there (archives, layouts), so they
   * can be hashed beside the stream and read through reused buffers. Throws NOT_FOUND as openBlob does; undefined
   * when the bytes are not in a local file as stored.
   */
  blobFileRange?(descriptor: Descriptor): Promise<FileRange | undefined>;
  /** Release files, sockets or temporary state. */
  close(): Promise<void>;
}
