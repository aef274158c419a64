// An image's identity without its layers: manifest digest, layer chain (diffIDs) and the name it is known by, read
// from the manifest and config only. Used by `catalog add` and `environment record`.
import { SextantError } from '../core/errors.ts';
import type { ImageRef } from '../core/model.ts';
import { openImage } from '../image/open-image.ts';
import type { ImageConfig } from '../image/image-config.ts';
import { formatPlatform, parsePlatform } from '../image/platform.ts';
import { parseImageName } from '../image/reference.ts';

/** What the manifest and config tell about an image. */
export interface ImageChain {
  ref: ImageRef;
  /** Manifest digest. */
  digest: string;
  /** diffIDs, base first. */
  layers: string[];
  /** The name and tag the reference or the archive records (`docker.io/library/alpine`, `3.20`), when known. */
  name: string | null;
  tag: string | null;
  /** `os/arch[/variant]` as the config says (`linux/arm64/v8`); null when it does not say. */
  platform: string | null;
}

/** Read `reference`'s manifest and config (never its layers). Throws SextantError for what a user can get wrong. */
export async function readImageChain(reference: string, options: { platform?: string; insecureRegistry?: boolean }): Promise<ImageChain> {
  const opened = await openImage(reference, { platform: options.platform ? parsePlatform(options.platform) : null, insecureRegistry: options.insecureRegistry ?? false });
  try {
    if (opened.kind !== 'layered') throw new SextantError('USAGE', `${reference} is not an image with layers (a root filesystem or an SBOM has no layer chain)`);
    const { ref, image, registry } = opened;
    let name: string | null = null;
    let tag: string | null = null;
    if (ref.kind === 'registry') {
      name = `${ref.registry}/${ref.repository}`;
      tag = ref.tag;
    } else {
      // An OCI layout names its images in annotations (containerd's full name, or a full `ref.name`); a `docker save`
      // archive in its RepoTags, which the source reports as the registry.
      const recorded = [image.annotations['io.containerd.image.name'], image.annotations['org.opencontainers.image.ref.name']]
        .map((n) => (n ? parseImageName(n) : null))
        // A bare tag (`ref.name` is often just `3.20`) parses as a name without a tag: it names nothing.
        .find((n) => n !== null && n.tag !== null);
      if (recorded) {
        name = recorded.name;
        tag = recorded.tag;
      } else if (registry?.tag) {
        name = `${registry.type === 'dockerhub' ? 'docker.io' : new URL(registry.url).host}/${registry.repository}`;
        tag = registry.tag;
      }
      if (ref.kind === 'oci-dir') tag ??= ref.tag;
    }
    return { ref, digest: image.manifestDigest, layers: image.layers.map((l) => l.diffId), name, tag, platform: configPlatform(image.config) };
  } finally {
    await opened.close();
  }
}

/** The platform a config names, as `os/arch[/variant]`; null without an os and an architecture. */
function configPlatform(config: ImageConfig): string | null {
  if (!config.os || !config.architecture) return null;
  return formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
}
