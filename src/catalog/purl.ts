// Package URLs (purl-spec), built with packageurl-js, the specification's reference implementation.
import { PackageURL } from 'packageurl-js';

/** What a purl is made of; empty and null qualifiers are left out. */
export interface PurlParts {
  type: string;
  namespace?: string | null;
  name: string;
  version?: string | null;
  qualifiers?: Record<string, string | null | undefined>;
  subpath?: string | null;
}

/** The canonical purl string for `parts`, e.g. `pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12`. */
export function makePurl(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts.qualifiers ?? {})) if (v !== null && v !== undefined && v !== '') qualifiers[k] = v;
  return new PackageURL(
    parts.type,
    parts.namespace || undefined,
    parts.name,
    parts.version || undefined,
    Object.keys(qualifiers).length ? qualifiers : undefined,
    parts.subpath || undefined,
  ).toString();
}
