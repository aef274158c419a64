// Image reference parsing: Docker Scout's prefixes (archive://, oci-dir://, registry://, fs://, sbom://) and bare names.
import type { ImageRef } from '../core/model.ts';
import { SextantError } from '../core/errors.ts';

/** Docker Hub's canonical registry name. */
export const DOCKER_HUB = 'docker.io';

// Grammar from the distribution reference spec: path components are lowercase alphanumerics joined by separators.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** A registry image name as provenance and archives write it: canonical `registry/repository`, tag and digest as given. */
export interface ImageName {
  /** `registry/repository`, e.g. `docker.io/library/alpine`. */
  name: string;
  tag: string | null;
  digest: string | null;
}

/** Parse `[host/]path[:tag][@digest]` without defaulting the tag; null when it is not an image name. */
export function parseImageName(text: string): ImageName | null {
  try {
    const ref = parseRegistryReference(text.trim(), text, false);
    return ref.kind === 'registry' ? { name: `${ref.registry}/${ref.repository}`, tag: ref.tag, digest: ref.digest } : null;
  } catch {
    return null;
  }
}

/** Parse what the user typed into an ImageRef. Throws BAD_REFERENCE with the reason. */
export function parseReference(input: string): ImageRef {
  const original = input;
  const scheme = /^([a-z-]+):\/\//.exec(input);
  if (scheme) {
    const rest = input.slice(scheme[0].length);
    switch (scheme[1]) {
      case 'archive':
        return { kind: 'archive', path: requirePath(rest, original), original };
      case 'oci-dir': {
        // An optional `:tag` after the directory picks a tagged manifest, as skopeo's oci: transport does.
        const m = /^(.*?)(?::([\w][\w.-]{0,127}))?$/.exec(rest);
        const path = requirePath(m?.[1] ?? rest, original);
        return { kind: 'oci-dir', path, tag: m?.[2] ?? null, original };
      }
      case 'fs':
        return { kind: 'fs', path: requirePath(rest, original), original };
      case 'sbom':
        return { kind: 'sbom', path: requirePath(rest, original), original };
      case 'registry':
        return parseRegistryReference(rest, original);
      default:
        throw new SextantError('BAD_REFERENCE', `unknown image reference prefix "${scheme[1]}://" in ${original} (use archive://, oci-dir://, registry://, fs:// or sbom://)`);
    }
  }
  return parseRegistryReference(input, original);
}

function requirePath(path: string, original: string): string {
  if (path === '') throw new SextantError('BAD_REFERENCE', `missing path in image reference ${original}`);
  return path;
}

/**
 * Parse `[HOST[:PORT]/]REPO[:TAG][@DIGEST]`. The first component is a host when it has a dot or a port or is
 * `localhost`, as Docker decides; otherwise Docker Hub is meant, and one-component names live under `library/`.
 */
function parseRegistryReference(text: string, original: string, defaultTag = true): ImageRef {
  if (text === '') throw new SextantError('BAD_REFERENCE', 'empty image reference');
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new SextantError('BAD_REFERENCE', `invalid digest "${digest}" in ${original}`);
  }
  let tag: string | null = null;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw new SextantError('BAD_REFERENCE', `invalid tag "${tag}" in ${original}`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first.toLowerCase();
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
    throw new SextantError('BAD_REFERENCE', `invalid repository name "${parts.join('/')}" in ${original}`);
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  if (defaultTag && tag === null && digest === null) tag = 'latest';
  return { kind: 'registry', registry, repository: parts.join('/'), tag, digest, original };
}

/** The canonical string form of a registry reference, e.g. `docker.io/library/alpine:3.20`. */
export function formatRegistryReference(ref: Extract<ImageRef, { kind: 'registry' }>): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
