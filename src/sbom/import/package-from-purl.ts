// Packages rebuilt from an SBOM document's entries: the purl gives type, namespace, name and version.
import { PackageURL } from 'packageurl-js';
import type { Location, Package, PackageType } from '../../core/package.ts';

const KNOWN_TYPES = new Set<PackageType>(['deb', 'apk', 'rpm', 'npm', 'pypi', 'maven', 'golang', 'cargo', 'gem', 'composer', 'nuget', 'conda', 'pub', 'hex', 'swift', 'generic']);

/** What an SBOM entry says beside its purl. */
export interface EntryFacts {
  purl: string;
  authors?: string[];
  description?: string | null;
  licenses?: string;
  locations?: Location[];
  foundBy: string;
  metadata?: Record<string, unknown>;
}

/** A Package from an SBOM entry, or null when its purl does not parse or names no version. */
export function packageFromPurl(facts: EntryFacts): Package | null {
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(facts.purl);
  } catch {
    return null;
  }
  if (!purl.version) return null;
  const type = (KNOWN_TYPES.has(purl.type as PackageType) ? purl.type : 'generic') as PackageType;
  const q = purl.qualifiers ?? {};
  const upstream = q['upstream'];
  return {
    type,
    namespace: purl.namespace ?? null,
    name: purl.name,
    version: purl.version,
    purl: purl.toString(),
    authors: facts.authors ?? [],
    description: facts.description ?? null,
    licenses: facts.licenses ?? 'NOASSERTION',
    size: null,
    locations: facts.locations ?? [],
    direct: null,
    dependsOn: [],
    source: upstream ? { name: upstream.split('@')[0] as string, version: upstream.split('@')[1] ?? purl.version } : null,
    arch: q['arch'] ?? null,
    foundBy: facts.foundBy,
    metadata: { ...(facts.metadata ?? {}), ...(type !== purl.type ? { purlType: purl.type } : {}) },
  };
}
