// Which layer introduced each package: a package database rewritten by several layers names, in its last copy,
// packages that earlier layers installed. Comparing each layer's copy tells where every package first appeared.
import type { CatalogEnv, Cataloger } from '../catalog/cataloger.ts';
import type { Package } from '../core/package.ts';
import type { LayerContents } from '../layerfs/types.ts';

/**
 * Point each package location at the layer that introduced the package at that path. For a file only one layer
 * wrote, that is the writer (already set). For a file several layers wrote, the copies are parsed oldest to
 * newest with the cataloger that found the package, and the location moves back to the earliest layer from
 * which every later copy still lists the package (a package removed and reinstalled counts from the reinstall).
 * `diffIds[i]` is layer i's diffID. Replaces the `locations` of the packages it re-attributes.
 */
export async function attributeIntroducingLayers(
  packages: readonly Package[],
  catalogers: readonly Cataloger[],
  contents: readonly LayerContents[],
  diffIds: readonly string[],
  env: CatalogEnv,
): Promise<void> {
  const byFoundBy = new Map(catalogers.map((c) => [`${c.name}@${c.version}`, c]));
  // Paths several layers wrote, grouped with the packages located there.
  const atPath = new Map<string, Package[]>();
  for (const pkg of packages) {
    for (const loc of pkg.locations) {
      if (writers(contents, loc.path).length < 2) continue;
      atPath.set(loc.path, [...(atPath.get(loc.path) ?? []), pkg]);
    }
  }
  for (const [path, located] of atPath) {
    const layers = writers(contents, path);
    // Parse each copy once per cataloger involved.
    const snapshots = new Map<string, Set<string>[]>();
    for (const pkg of located) {
      const cataloger = byFoundBy.get(pkg.foundBy);
      if (!cataloger?.parseSnapshot) continue;
      let perLayer = snapshots.get(pkg.foundBy);
      if (!perLayer) {
        perLayer = [];
        for (const layer of layers) {
          const content = contents[layer]?.captured.get(path) as Buffer;
          perLayer.push(new Set((await cataloger.parseSnapshot(path, content, env)).map((p) => p.purl)));
        }
        snapshots.set(pkg.foundBy, perLayer);
      }
      let first = perLayer.length - 1;
      while (first > 0 && perLayer[first - 1]?.has(pkg.purl)) first--;
      const introducedBy = diffIds[layers[first] as number] ?? null;
      // Parsers may share one location object among a file's packages: replace it, never mutate it.
      pkg.locations = pkg.locations.map((loc) => (loc.path === path ? { ...loc, layerDigest: introducedBy } : loc));
    }
  }
}

/** Indexes of the layers whose copy of `path` the walk kept, oldest first. */
function writers(contents: readonly LayerContents[], path: string): number[] {
  const out: number[] = [];
  for (const c of contents) if (c.captured.has(path)) out.push(c.index);
  return out;
}
