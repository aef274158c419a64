// `inspect`: an image's metadata, from its config, its squashed filesystem (os-release) and its attestations.
import type { AttestationStatement, ImageMetadata, Platform } from '../core/model.ts';
import { readOsRelease } from '../catalog/distro.ts';
import { isStatementLayer, parseAttestationLayer, provenanceFrom, sbomStatementsFrom } from '../image/attestations.ts';
import { parseDescriptor } from '../image/descriptor.ts';
import { historyForLayers, splitEnv } from '../image/image-config.ts';
import { parseJsonObject } from '../image/json.ts';
import { openImage } from '../image/open-image.ts';
import type { ResolvedImage } from '../image/resolve.ts';
import { coalesce } from '../layerfs/coalesce.ts';
import { createImageResolver } from '../layerfs/image-resolver.ts';
import { openRootfs } from '../layerfs/rootfs-resolver.ts';
import type { FileResolver } from '../layerfs/types.ts';
import { limitsFromEnv } from '../layerfs/walk-layer.ts';
import { type LayerProgress, walkImage } from './walk-image.ts';

/** Files `inspect` reads from the squashed view. */
const OS_RELEASE_PATHS = new Set(['/etc/os-release', '/usr/lib/os-release']);
/** Largest attestation layer read (BuildKit provenance with a Dockerfile is a few KiB to a few MiB). */
const MAX_ATTESTATION_BYTES = 32 * 2 ** 20;

/** Options of `inspect`. */
export interface InspectOptions {
  platform: Platform | null;
  insecureRegistry?: boolean;
  onProgress?: (p: LayerProgress) => void;
  /** Called once the layer list is known, before walking. */
  onLayers?: (layers: { digest: string; size: number }[]) => void;
}

/** Inspect `reference` and return its metadata. Throws SextantError on bad input. */
export async function inspectImage(reference: string, options: InspectOptions): Promise<ImageMetadata> {
  const opened = await openImage(reference, { platform: options.platform, insecureRegistry: options.insecureRegistry ?? false });
  try {
    if (opened.kind === 'rootfs') {
      const resolver = await openRootfs(opened.path);
      return { ...emptyMetadata(reference, 'fs'), osRelease: await readOsRelease(resolver) };
    }
    const image = opened.image;
    options.onLayers?.(image.layers);
    const contents = await walkImage(image, {
      capture: (path, size) => OS_RELEASE_PATHS.has(path) && size <= 64 * 1024,
      limits: limitsFromEnv(),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const { squashed, changes } = coalesce(contents);
    const resolver: FileResolver = createImageResolver(squashed);
    const statements = await readAttestations(image);
    const c = image.config;
    const history = historyForLayers(c.history, image.layers.length);
    return {
      reference,
      source: opened.ref.kind,
      id: image.configDescriptor.digest,
      digest: image.manifestDigest,
      manifestMediaType: image.manifestMediaType,
      indexDigest: image.indexDigest,
      created: c.created,
      architecture: c.architecture,
      variant: c.variant,
      os: c.os,
      osRelease: await readOsRelease(resolver),
      ports: c.exposedPorts,
      env: splitEnv(c.env),
      labels: c.labels,
      user: c.user,
      entrypoint: c.entrypoint,
      cmd: c.cmd,
      workingDir: c.workingDir,
      stopSignal: c.stopSignal,
      layers: image.layers.map((l, i) => ({
        // The walk knows the stored digest even where the source could not name it up front.
        digest: contents[i]?.digest ?? l.digest,
        diffId: l.diffId,
        size: l.size,
        mediaType: l.mediaType,
        createdBy: history[i]?.createdBy ?? null,
        created: history[i]?.created ?? null,
        changes: changes[i] ? { added: changes[i].added.length, changed: changes[i].changed.length, removed: changes[i].removed.length } : null,
      })),
      history: c.history,
      size: image.layers.reduce((n, l) => n + l.size, 0),
      registry: opened.registry,
      provenance: provenanceFrom(statements),
      sbomAttestations: sbomStatementsFrom(statements),
    };
  } finally {
    await opened.close();
  }
}

/** Read the in-toto statements of the attestation manifests that point at the image. */
async function readAttestations(image: ResolvedImage): Promise<AttestationStatement[]> {
  const statements: AttestationStatement[] = [];
  for (const descriptor of image.attestationManifests) {
    const fetched = await image.store.getManifest({ descriptor });
    const doc = parseJsonObject(fetched.bytes, `attestation manifest ${descriptor.digest}`);
    const layers = Array.isArray(doc.layers) ? doc.layers.map((l, i) => parseDescriptor(l, `attestation manifest ${descriptor.digest}, layers[${i}]`)) : [];
    for (const layer of layers.filter(isStatementLayer)) {
      statements.push(...parseAttestationLayer(await image.store.readBlob(layer, MAX_ATTESTATION_BYTES), layer));
    }
  }
  return statements;
}

function emptyMetadata(reference: string, source: ImageMetadata['source']): ImageMetadata {
  return {
    reference,
    source,
    id: null,
    digest: null,
    manifestMediaType: null,
    indexDigest: null,
    created: null,
    architecture: null,
    variant: null,
    os: null,
    osRelease: null,
    ports: [],
    env: [],
    labels: {},
    user: null,
    entrypoint: null,
    cmd: null,
    workingDir: null,
    stopSignal: null,
    layers: [],
    history: [],
    size: 0,
    registry: null,
    provenance: null,
    sbomAttestations: [],
  };
}
