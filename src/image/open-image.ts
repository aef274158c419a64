// Opens an image reference: picks the source for its prefix and resolves it to one image (or a root filesystem),
// or lists the platforms a multi-platform image has.
import type { ImageRef, Platform, RegistryInfo } from '../core/model.ts';
import { SextantError } from '../core/errors.ts';
import type { BlobStore, ManifestRef } from './blob-store.ts';
import { parseReference } from './reference.ts';
import { registryType, registryUrl } from './registry/registry-type.ts';
import { listPlatforms, type ResolvedImage, resolveImage } from './resolve.ts';
import { openArchiveFiles } from './sources/archive/archive-files.ts';
import { DockerArchiveStore } from './sources/archive/docker-archive-store.ts';
import { openDirectoryFiles } from './sources/oci-layout/directory-files.ts';
import { OciLayoutStore } from './sources/oci-layout/layout-store.ts';

/** Options that change how an image is found. */
export interface OpenOptions {
  /** `--platform`; null picks the host's platform, or the only image there is. */
  platform: Platform | null;
  /** Allow plain HTTP to registries (`--insecure-registry`). */
  insecureRegistry?: boolean;
}

/** An image with layers, ready to walk, a root filesystem directory, or an SBOM document standing in for an image. */
export type OpenedImage =
  | { kind: 'layered'; ref: ImageRef; image: ResolvedImage; registry: RegistryInfo | null; close(): Promise<void> }
  | { kind: 'rootfs'; ref: Extract<ImageRef, { kind: 'fs' }>; path: string; close(): Promise<void> }
  | { kind: 'sbom'; ref: Extract<ImageRef, { kind: 'sbom' }>; path: string; close(): Promise<void> };

/** Open what `reference` names. Throws SextantError for every failure a user can cause. */
export async function openImage(reference: string | ImageRef, options: OpenOptions): Promise<OpenedImage> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  if (ref.kind === 'fs') return { kind: 'rootfs', ref, path: ref.path, close: async () => {} };
  if (ref.kind === 'sbom') return { kind: 'sbom', ref, path: ref.path, close: async () => {} };
  const { store, tag, registry, apiUrl } = await openStore(ref, options);
  try {
    const image = await resolveImage(store, manifestRef(ref, tag), options.platform);
    if (registry && apiUrl) registry.url = await apiUrl();
    return { kind: 'layered', ref, image, registry, close: () => store.close() };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * The platforms a multi-platform image (an OCI index or a Docker manifest list) lists, attestation manifests left
 * out; null for a single image manifest, a root filesystem or an SBOM. Reads the first document only.
 */
export async function listImagePlatforms(reference: string | ImageRef, options: Omit<OpenOptions, 'platform'>): Promise<Platform[] | null> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  if (ref.kind === 'fs' || ref.kind === 'sbom') return null;
  const { store, tag } = await openStore(ref, { ...options, platform: null });
  try {
    return await listPlatforms(store, manifestRef(ref, tag));
  } finally {
    await store.close();
  }
}

/** The manifest a reference names in its store: a registry reference's digest, else the tag (null: the default). */
function manifestRef(ref: Exclude<ImageRef, { kind: 'fs' | 'sbom' }>, tag: string | null): ManifestRef {
  return ref.kind === 'registry' && ref.digest ? { digest: ref.digest } : { tag };
}

/** A store for the reference, the tag to resolve, what is known of the registry, and (for registries) the API URL really used. */
interface OpenedStore {
  store: BlobStore;
  tag: string | null;
  registry: RegistryInfo | null;
  /** An insecure registry may still have answered over HTTPS: this tells which URL was used. */
  apiUrl?: () => Promise<string>;
}

async function openStore(ref: Exclude<ImageRef, { kind: 'fs' | 'sbom' }>, options: OpenOptions): Promise<OpenedStore> {
  switch (ref.kind) {
    case 'oci-dir':
      return { store: new OciLayoutStore(await openDirectoryFiles(ref.path)), tag: ref.tag, registry: null };
    case 'archive': {
      const files = await openArchiveFiles(ref.path);
      try {
        // Docker 25+ and OCI archives carry an OCI layout with real manifests; older `docker save` does not.
        if (files.has('index.json')) return { store: new OciLayoutStore(files), tag: null, registry: null };
        const store = await DockerArchiveStore.open(files);
        return { store, tag: null, registry: registryFromName(store.repoTags[0]) };
      } catch (err) {
        await files.close();
        throw err;
      }
    }
    case 'registry': {
      const insecure = options.insecureRegistry ?? false;
      // The registry client (fetch, TLS) is loaded only for registry references.
      const { RegistryBlobStore } = await import('./sources/registry/registry-store.ts');
      const store = new RegistryBlobStore({ registry: ref.registry, repository: ref.repository, insecure });
      const registry: RegistryInfo = { url: registryUrl(ref.registry, insecure), type: registryType(ref.registry), repository: ref.repository, tag: ref.tag };
      return { store, tag: ref.tag, registry, apiUrl: () => store.client.baseUrl() };
    }
  }
}

/** Registry details from an image name such as a `docker save` RepoTag (`debian:12`, `ghcr.io/o/app:1`). */
function registryFromName(name: string | undefined): RegistryInfo | null {
  if (!name) return null;
  try {
    const ref = parseReference(name);
    if (ref.kind !== 'registry') return null;
    return { url: registryUrl(ref.registry, false), type: registryType(ref.registry), repository: ref.repository, tag: ref.tag };
  } catch (err) {
    if (err instanceof SextantError) return null;
    throw err;
  }
}
