// From a BlobStore and a tag or digest to one image: index → platform → manifest → config → layers.
import type { Descriptor, Platform } from '../core/model.ts';
import { SextantError } from '../core/errors.ts';
import { attestedManifestDigest, isAttestationManifest } from './attestations.ts';
import type { BlobStore, FetchedManifest, ManifestRef } from './blob-store.ts';
import { parseDescriptor } from './descriptor.ts';
import { type ImageConfig, parseImageConfig } from './image-config.ts';
import { parseJsonObject, str, stringMap } from './json.ts';
import { isConfigType, isIndexType, isLayerType, isManifestType, OCI_INDEX, OCI_MANIFEST } from './media-types.ts';
import { formatPlatform, indexPlatforms, platformMatches, selectManifest } from './platform.ts';

/** Largest config blob Sextant reads (configs with long histories reach a few hundred KiB). */
export const MAX_CONFIG_BYTES = 16 * 2 ** 20;
const MAX_INDEX_DEPTH = 4;

/** A layer as the manifest and config describe it. */
export interface LayerDescriptor extends Descriptor {
  /** Uncompressed digest from the config's rootfs.diff_ids. */
  diffId: string;
}

/** One image, resolved down to its config and ordered layers. */
export interface ResolvedImage {
  store: BlobStore;
  /** Digest of the index the manifest was chosen from, when there was one. */
  indexDigest: string | null;
  /** Digest of the image manifest (for a legacy `docker save` archive, of the manifest it describes: docs/cli.md). */
  manifestDigest: string;
  manifestMediaType: string;
  config: ImageConfig;
  configDescriptor: Descriptor;
  layers: LayerDescriptor[];
  /** BuildKit attestation manifests in the index that point at this image's manifest. */
  attestationManifests: Descriptor[];
  /** Annotations on the manifest (and on its index entry). */
  annotations: Record<string, string>;
}

/** Media type of a fetched document: the declared one, else its own `mediaType`, else guessed from its shape. */
export function documentMediaType(fetched: FetchedManifest, doc: Record<string, unknown>): string {
  const declared = fetched.mediaType?.split(';')[0]?.trim();
  if (declared && declared !== 'application/json' && declared !== 'application/octet-stream') return declared;
  const own = str(doc.mediaType);
  if (own) return own;
  if (Array.isArray(doc.manifests)) return OCI_INDEX;
  if (doc.config && Array.isArray(doc.layers)) return OCI_MANIFEST;
  if (doc.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  return declared ?? 'unknown';
}

/**
 * Resolve `ref` (a tag or a digest) in `store` to one image for `platform`
 * (null: the host's, or the only image present).
 */
export async function resolveImage(
  store: BlobStore,
  ref: ManifestRef,
  platform: Platform | null,
): Promise<ResolvedImage> {
  let fetched = await store.getManifest(ref);
  let indexDigest: string | null = null;
  let attestationManifests: Descriptor[] = [];
  const annotations: Record<string, string> = {};
  for (let depth = 0; ; depth++) {
    const where = `manifest ${fetched.digest} in ${store.location}`;
    const doc = parseJsonObject(fetched.bytes, where);
    const mediaType = documentMediaType(fetched, doc);
    if (isIndexType(mediaType)) {
      if (depth >= MAX_INDEX_DEPTH) throw new SextantError('LIMIT_EXCEEDED', `${where}: indexes nested more than ${MAX_INDEX_DEPTH} deep`);
      const entries = indexEntries(doc, where);
      const chosen = selectManifest(entries, platform, `index ${fetched.digest} in ${store.location}`);
      indexDigest = fetched.virtual ? indexDigest : fetched.digest;
      Object.assign(annotations, chosen.annotations);
      attestationManifests = entries.filter((d) => isAttestationManifest(d) && attestedManifestDigest(d) === chosen.digest);
      fetched = await store.getManifest({ descriptor: chosen });
      continue;
    }
    if (!isManifestType(mediaType)) {
      if (mediaType.startsWith('application/vnd.docker.distribution.manifest.v1')) {
        throw new SextantError('UNSUPPORTED', `${where} uses the deprecated Docker schema 1 manifest format`);
      }
      throw new SextantError('UNSUPPORTED', `${where} has unsupported media type ${mediaType}`);
    }
    const image = await resolveManifest(store, fetched, doc, mediaType, where);
    Object.assign(annotations, image.annotations);
    // The config is the truth about the platform, whatever the index entry said (or did not say).
    if (platform) checkPlatform(image.config, platform, where);
    return { ...image, indexDigest, attestationManifests, annotations };
  }
}

/**
 * The platforms `ref` (a tag or a digest) has in `store`: those its index lists (attestation manifests left out,
 * each platform once), or null when it is a single image manifest. Only the first document is read.
 */
export async function listPlatforms(store: BlobStore, ref: ManifestRef): Promise<Platform[] | null> {
  const fetched = await store.getManifest(ref);
  const where = `manifest ${fetched.digest} in ${store.location}`;
  const doc = parseJsonObject(fetched.bytes, where);
  return isIndexType(documentMediaType(fetched, doc)) ? indexPlatforms(indexEntries(doc, where)) : null;
}

/** An index's entries, checked. */
function indexEntries(doc: Record<string, unknown>, where: string): Descriptor[] {
  if (!Array.isArray(doc.manifests)) throw new SextantError('CORRUPT', `${where}: index has no manifests array`);
  return doc.manifests.map((m, i) => parseDescriptor(m, `${where}, manifests[${i}]`));
}

async function resolveManifest(
  store: BlobStore,
  fetched: FetchedManifest,
  doc: Record<string, unknown>,
  mediaType: string,
  where: string,
): Promise<Omit<ResolvedImage, 'indexDigest' | 'attestationManifests'>> {
  const configDescriptor = parseDescriptor(doc.config, `${where}, config`);
  if (!isConfigType(configDescriptor.mediaType)) {
    throw new SextantError('UNSUPPORTED', `${where} is not a container image (config media type ${configDescriptor.mediaType})`);
  }
  if (!Array.isArray(doc.layers)) throw new SextantError('CORRUPT', `${where}: manifest has no layers array`);
  const layerDescriptors = doc.layers.map((l, i) => parseDescriptor(l, `${where}, layers[${i}]`));
  for (const l of layerDescriptors) {
    if (!isLayerType(l.mediaType)) throw new SextantError('UNSUPPORTED', `${where}: layer ${l.digest} has unsupported media type ${l.mediaType}`);
  }
  const configBytes = await store.readBlob(configDescriptor, MAX_CONFIG_BYTES);
  const config = parseImageConfig(configBytes, `config ${configDescriptor.digest} in ${store.location}`);
  if (config.diffIds.length !== layerDescriptors.length) {
    throw new SextantError(
      'CORRUPT',
      `${where}: manifest lists ${layerDescriptors.length} layers but the config lists ${config.diffIds.length} diffIDs`,
    );
  }
  return {
    store,
    manifestDigest: fetched.digest,
    manifestMediaType: mediaType,
    config,
    configDescriptor,
    layers: layerDescriptors.map((l, i) => ({ ...l, diffId: config.diffIds[i] as string })),
    annotations: stringMap(doc.annotations),
  };
}

function checkPlatform(config: ImageConfig, wanted: Platform, where: string): void {
  if (!config.os || !config.architecture) return;
  const actual = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  if (!platformMatches(actual, wanted)) {
    throw new SextantError('UNKNOWN_PLATFORM', `${where} is ${formatPlatform(actual)}, not ${formatPlatform(wanted)}`);
  }
}
