// An image's findings from its packages' findings: findings belong to package content (matched and stored once
// per package), and an image adds only where its copy of each package sits (the layers that introduced it).
// Pure: the store reads image findings through this, and a push composes its answer with it.
import type { Location } from '../core/package.ts';
import type { Finding } from '../match/matcher.ts';

/** One package of an image: its locations there and the package's findings (whatever layers they carry). */
export interface ImagePackageFindings {
  locations: readonly Location[];
  findings: readonly Finding[];
}

/**
 * The findings of an image holding `packages` (in SBOM order), as the matcher orders them (by purl, then id). A
 * finding is one vulnerability in one purl: a purl held as several packages gives it once, with every layer that
 * introduced one of them. Exploit data and VEX notes are left empty for the caller to fill in.
 */
export function imageFindings(packages: Iterable<ImagePackageFindings>): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const { locations, findings } of packages) {
    if (findings.length === 0) continue;
    const layers = [...new Set(locations.map((l) => l.layerDigest).filter((d): d is string => d !== null))];
    for (const f of findings) {
      const key = `${f.id}\n${f.purl}`;
      const seen = byKey.get(key);
      if (seen) {
        for (const layer of layers) if (!seen.layers.includes(layer)) seen.layers.push(layer);
      } else byKey.set(key, { ...f, layers: [...layers], kev: null, epss: null, vex: null });
    }
  }
  return [...byKey.values()].sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
