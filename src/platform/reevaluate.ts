// Continuous re-evaluation: when advisories change, only the stored packages the changed advisories name (through
// their OSV coordinates) are matched again, once per distinct package however many images hold it, and the
// findings of those packages are replaced on every image holding them, with the differences recorded as events.
import type { Package } from '../core/package.ts';
import type { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { withExploitData } from '../match/exploits.ts';
import { matchPackages, type Finding } from '../match/matcher.ts';
import { distroOf } from './distro-of.ts';
import { imagesHolding, packagesForKeys, replacePackageFindings } from './store/reevaluation.ts';
import { ROWS_PER_STATEMENT } from './store/chunks.ts';
import type { PlatformStore } from './store/platform-store.ts';

/** What a re-evaluation did. */
export interface Reevaluation {
  /** Stored images holding a package the change concerns. */
  images: number;
  /** Findings that appeared and disappeared across them. */
  appeared: number;
  disappeared: number;
}

/**
 * Re-evaluate the stored packages named by `changed` (`affectedKey`s the advisory update collected) against
 * `advisories` (whose digest is `database`), on every image of every org holding them. `cause` is recorded with
 * each event. Packages are processed in chunks, each in one transaction.
 */
export async function reevaluatePackages(store: PlatformStore, advisories: AdvisoryStore, changed: ReadonlySet<string>, database: string, cause: string, at = new Date().toISOString()): Promise<Reevaluation> {
  const result: Reevaluation = { images: 0, appeared: 0, disappeared: 0 };
  if (changed.size === 0) return result;
  const packages = await packagesForKeys(store.db, changed);
  const images = new Set<number>();
  for (let i = 0; i < packages.length; i += ROWS_PER_STATEMENT) {
    const chunk = packages.slice(i, i + ROWS_PER_STATEMENT);
    // A package's purl names its distribution: match each distribution's packages with it.
    const byDistro = new Map<string, { packageId: number; package: Package }[]>();
    for (const p of chunk) {
      const key = /[?&]distro=([^&#]+)/.exec(p.package.purl)?.[1] ?? '';
      byDistro.set(key, [...(byDistro.get(key) ?? []), p]);
    }
    const findingsByPackage = new Map<number, Finding[]>();
    for (const group of byDistro.values()) {
      const idByPurl = new Map(group.map((p) => [p.package.purl, p.packageId]));
      const matched = await matchPackages(
        group.map((p) => p.package),
        distroOf(group.map((p) => p.package)),
        advisories,
        database,
      );
      for (const f of await withExploitData(matched.findings, advisories)) {
        const id = idByPurl.get(f.purl);
        if (id !== undefined) findingsByPackage.set(id, [...(findingsByPackage.get(id) ?? []), f]);
      }
    }
    const packageIds = chunk.map((p) => p.packageId);
    const holding = await imagesHolding(store.db, packageIds);
    for (const h of holding) images.add(h.imageId);
    const changes = await store.atomically(({ db }) =>
      replacePackageFindings(
        db,
        store.dialect,
        holding,
        packageIds,
        // The package's findings, with the layers that introduced it in this image.
        (image, packageId) => {
          const layers = [...new Set((image.locations.get(packageId) ?? []).map((l) => l.layerDigest).filter((d): d is string => d !== null))];
          return (findingsByPackage.get(packageId) ?? []).map((f) => ({ ...f, layers }));
        },
        cause,
        at,
      ),
    );
    result.appeared += changes.appeared;
    result.disappeared += changes.disappeared;
  }
  result.images = images.size;
  return result;
}
