// SBOM assembly: packages from all catalogers merged (one entry per purl, every location kept), sorted, and
// their declared dependencies resolved to relationships between purls.
import type { ImageMetadata } from '../core/model.ts';
import type { Package } from '../core/package.ts';
import type { Relationship, Sbom } from '../core/sbom.ts';
import { compareText } from '../core/compare-text.ts';

/** Build the SBOM document from an analysis. */
export function assembleSbom(image: ImageMetadata, found: readonly Package[], toolVersion: string, now = new Date()): Sbom {
  const packages = mergePackages(found);
  return {
    schema: 'sextant-sbom/1',
    generatedAt: now.toISOString(),
    tool: { name: 'sextant', version: toolVersion },
    image,
    distro: image.osRelease,
    packageCount: packages.length,
    packages,
    relationships: relationships(packages),
  };
}

/**
 * One package per purl: the same package declared by several files (an installed package.json and a lockfile
 * entry) keeps every location and the most specific facts. Sorted by type, then name, then version.
 */
export function mergePackages(found: readonly Package[]): Package[] {
  const byPurl = new Map<string, Package>();
  for (const p of found) {
    const seen = byPurl.get(p.purl);
    if (!seen) {
      byPurl.set(p.purl, { ...p, locations: [...p.locations], dependsOn: [...p.dependsOn] });
      continue;
    }
    for (const loc of p.locations) {
      if (!seen.locations.some((l) => l.path === loc.path && l.layerDigest === loc.layerDigest)) seen.locations.push(loc);
    }
    for (const d of p.dependsOn) if (!seen.dependsOn.includes(d)) seen.dependsOn.push(d);
    if (seen.licenses === 'NOASSERTION') seen.licenses = p.licenses;
    seen.description ??= p.description;
    seen.size ??= p.size;
    if (seen.authors.length === 0) seen.authors = p.authors;
    // Any declaration that says "direct" wins: a package is direct if some manifest asks for it by name.
    if (p.direct === true || seen.direct === null) seen.direct = p.direct ?? seen.direct;
  }
  return [...byPurl.values()].sort((a, b) => compareText(a.type, b.type) || compareText(a.name, b.name) || compareText(a.version, b.version));
}

/** Edges from each package to the packages its `dependsOn` names, within the same ecosystem. */
function relationships(packages: readonly Package[]): Relationship[] {
  const byName = new Map<string, Package[]>();
  for (const p of packages) {
    const key = `${p.type}:${qualifiedName(p)}`;
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  const out: Relationship[] = [];
  for (const p of packages) {
    for (const dep of p.dependsOn) {
      const targets = byName.get(`${p.type}:${comparableName(p.type, dep)}`) ?? [];
      const target = targets.length === 1 ? targets[0] : nearest(p, targets);
      if (target && target.purl !== p.purl) out.push({ from: p.purl, to: target.purl, type: 'depends-on' });
    }
  }
  return out;
}

function qualifiedName(p: Package): string {
  const name = p.namespace && p.type !== 'deb' && p.type !== 'apk' && p.type !== 'rpm' ? `${p.namespace}/${p.name}` : p.name;
  return comparableName(p.type, name);
}

/** Python names compare case- and separator-insensitively (PEP 503): `MarkupSafe` is `markupsafe`. */
function comparableName(type: string, name: string): string {
  return type === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

/**
 * Of several versions of one name, the one a dependent resolves to: the copy sharing the longest path prefix
 * with it (as node_modules and site-packages lookups go upward from the dependent), then the least nested one.
 */
function nearest(dependent: Package, candidates: readonly Package[]): Package | undefined {
  const from = dependent.locations[0]?.path ?? '';
  let best: Package | undefined;
  let bestScore = -1;
  let bestDepth = Infinity;
  for (const c of candidates) {
    const path = c.locations[0]?.path ?? '';
    const score = commonPrefix(from, path);
    const depth = path.split('/').length;
    if (score > bestScore || (score === bestScore && depth < bestDepth)) [best, bestScore, bestDepth] = [c, score, depth];
  }
  return best;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i;
}
