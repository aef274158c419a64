// The layers an image shares with its base image, for `cves --ignore-base`: the base named with `--base`, else the
// one its provenance attestation names. Only the base's manifest and config are read (for its diffIDs), never its
// layers; its diffIDs must be the first layers of the image, or it is not this image's base.
import { SextantError } from '../core/errors.ts';
import type { ImageMetadata } from '../core/model.ts';
import { openImage } from '../image/open-image.ts';

/** The base image and the diffIDs of its layers, which the analysed image starts with. */
export interface BaseImageLayers {
  reference: string;
  /** How the base was chosen. */
  source: '--base' | 'provenance';
  diffIds: string[];
}

/**
 * Find `image`'s base layers from `base` (a reference in any form Sextant reads) or, without it, from the
 * provenance attestation's base image (read from its registry, for the image's platform). Throws SextantError
 * when no base is known, when it cannot be read, or when its layers are not the image's first layers.
 */
export async function baseImageLayers(image: ImageMetadata, base: string | undefined, options: { insecureRegistry?: boolean } = {}): Promise<BaseImageLayers> {
  const source = base ? '--base' : 'provenance';
  const reference = base ?? image.provenance?.baseImage ?? null;
  if (!reference) throw new SextantError('USAGE', `--ignore-base: no base image is known for ${image.reference} (no provenance attestation names one); name it with --base IMAGE`);
  const platform = image.os && image.architecture ? { os: image.os, architecture: image.architecture, ...(image.variant ? { variant: image.variant } : {}) } : null;
  let diffIds: string[];
  try {
    const opened = await openImage(reference, { platform, insecureRegistry: options.insecureRegistry ?? false });
    try {
      if (opened.kind !== 'layered') throw new SextantError('USAGE', `--ignore-base: ${reference} is not an image with layers`);
      diffIds = opened.image.layers.map((l) => l.diffId);
    } finally {
      await opened.close();
    }
  } catch (err) {
    if (source === 'provenance' && err instanceof SextantError) {
      throw new SextantError(err.code, `--ignore-base: cannot read the base image ${reference} that the provenance names (${err.message}); name a reachable copy with --base IMAGE`, { cause: err });
    }
    throw err;
  }
  const layers = image.layers.map((l) => l.diffId);
  const prefix = diffIds.length > 0 && diffIds.length <= layers.length && diffIds.every((d, i) => d === layers[i]);
  if (!prefix) throw new SextantError('USAGE', `--ignore-base: ${reference} is not the base of ${image.reference}: its ${diffIds.length} layers are not the image's first layers`);
  return { reference, source, diffIds };
}
