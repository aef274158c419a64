// Whether a package URL written by a person (in a VEX statement or an ignore entry) names a package or image that
// Sextant found: type, namespace, name and version compared as purl-spec normalises them, qualifiers as a subset.
import { PackageURL } from 'packageurl-js';

/** Qualifiers that say where an image was found, not what it is. */
const OCI_LOCATION = new Set(['repository_url', 'tag']);

/** A package URL taken apart, normalised by packageurl-js (type lower-cased, npm and PyPI names folded…). */
export interface ParsedPurl {
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
  qualifiers: Readonly<Record<string, string>>;
  subpath: string | null;
}

/** `text` taken apart, or null when it is not a package URL. */
export function parsePurl(text: string): ParsedPurl | null {
  try {
    const p = PackageURL.fromString(text);
    const qualifiers: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.qualifiers ?? {})) if (typeof v === 'string') qualifiers[k] = v;
    return { type: p.type, namespace: p.namespace || null, name: p.name, version: p.version || null, qualifiers, subpath: p.subpath || null };
  } catch {
    return null;
  }
}

/**
 * Whether `pattern` names `candidate`. A pattern without a version names every version; the pattern's qualifiers
 * must all be present with the same value in the candidate (`pkg:deb/debian/openssl@3.0.11-1` names
 * `pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12`). An `oci` purl with a version names an image by
 * its digest, whatever name it was given or place it was pulled from: name, `repository_url` and `tag` are not
 * compared then.
 */
export function purlMatches(pattern: ParsedPurl, candidate: ParsedPurl): boolean {
  if (pattern.type !== candidate.type) return false;
  const byDigest = pattern.type === 'oci' && pattern.version !== null;
  if (byDigest) {
    if (pattern.version?.toLowerCase() !== candidate.version?.toLowerCase()) return false;
  } else {
    if (pattern.namespace !== candidate.namespace || pattern.name !== candidate.name) return false;
    if (pattern.version !== null && pattern.version !== candidate.version) return false;
  }
  if (pattern.subpath !== null && pattern.subpath !== candidate.subpath) return false;
  return Object.entries(pattern.qualifiers).every(([k, v]) => (byDigest && OCI_LOCATION.has(k)) || candidate.qualifiers[k] === v);
}
