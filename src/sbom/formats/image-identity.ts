// How the standard SBOM formats name the analysed image: its name, version and OCI package URL.
import type { ImageMetadata } from '../../core/model.ts';

/** The image as one named, versioned thing, the way CycloneDX and SPDX describe their root element. */
export interface ImageIdentity {
  /** Repository (`library/debian`) when the image came from a registry or a tagged archive, else the reference. */
  name: string;
  /** The tag, else the manifest digest, else null (a root filesystem has neither). */
  version: string | null;
  /** `pkg:oci/<name>@<digest>?arch=…&repository_url=…&tag=…` (purl-spec `oci` type), when the digest is known. */
  purl: string | null;
}

/** Name, version and purl of the image an SBOM describes. */
export function imageIdentity(image: ImageMetadata): ImageIdentity {
  const name = image.registry?.repository ?? image.reference;
  const tag = image.registry?.tag ?? tagOf(image.reference);
  return { name, version: tag ?? image.digest, purl: ociPurl(image, name, tag) };
}

/**
 * purl-spec's `oci` type names an artifact by its digest; the name is the last path segment of the repository,
 * lower-cased, and where it lives goes in `repository_url` (host and repository, no scheme).
 */
function ociPurl(image: ImageMetadata, name: string, tag: string | null): string | null {
  if (!image.digest) return null;
  // `oci-dir:///srv/app:v2` → `app`: drop the scheme and any digest, take the last segment, drop its tag.
  const path = name.replace(/^[a-z-]+:\/\//, '').split('@')[0] ?? '';
  const last = path.split('/').filter(Boolean).pop()?.replace(/:.*$/, '').toLowerCase();
  if (!last) return null;
  const qualifiers: Record<string, string> = {};
  if (image.architecture) qualifiers['arch'] = image.architecture;
  if (image.registry) qualifiers['repository_url'] = `${registryHost(image.registry.url, image.registry.type)}/${image.registry.repository}`;
  if (tag) qualifiers['tag'] = tag;
  // Written here rather than with packageurl-js, whose start-up (an Intl.Collator) would cost every warm run more
  // than the whole rendering: the parts are known to be a lower-case name, a digest and plain qualifier values,
  // encoded as purl-spec says (qualifiers sorted by key, values percent-encoded, the digest's `:` kept).
  const query = Object.keys(qualifiers)
    .sort()
    .map((key) => `${key}=${encodeURIComponent(qualifiers[key] as string)}`)
    .join('&');
  return `pkg:oci/${encodeURIComponent(last)}@${encodeURIComponent(image.digest).replace(/%3A/g, ':')}${query ? `?${query}` : ''}`;
}

/** Docker Hub's API host (`registry-1.docker.io`) is not the name people pull by (`docker.io`). */
function registryHost(url: string, type: string): string {
  if (type === 'dockerhub') return 'docker.io';
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The tag of a `NAME:TAG` reference; a port (`host:5000/app`) or a digest is not a tag. */
function tagOf(reference: string): string | null {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon > 0 && !reference.startsWith('fs://') ? lastSegment.slice(colon + 1) || null : null;
}
