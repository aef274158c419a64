// Continuous re-evaluation: when advisories change, only the stored packages the changed advisories name (through
// their OSV coordinates) are matched again, once per distinct package however many images hold it, and the
// findings of those packages are replaced on every image holding them, with the differences recorded as events.
import type { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { withExploitData } from '../match/exploits.ts';
import { matchPackages, type Finding } from '../match/matcher.ts';
import { distroOf } from './distro-of.ts';
import { imagesHolding, packagesForKeys, replacePackageFindings, type StoredPackage } from './store/reevaluation.ts';
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
    const byDistro = new Map<string, StoredPackage[]>();
    for (const p of chunk) {
      const key = /[?&]distro=([^&#]+)/.exec(p.package.purl)?.[1] ?? '';
      const group = byDistro.get(key);
      if (group) group.push(p);
      else byDistro.set(key, [p]);
    }
    const findingsByPackage = new Map<number, Finding[]>();
    for (const group of byDistro.values()) {
      for (const round of distinctPurls(group)) {
        const idByPurl = new Map(round.map((p) => [p.package.purl, p.packageId]));
        const matched = await matchPackages(
          round.map((p) => p.package),
          distroOf(round.map((p) => p.package)),
          advisories,
          database,
        );
        for (const f of await withExploitData(matched.findings, advisories)) {
          const id = idByPurl.get(f.purl);
          if (id === undefined) continue;
          const list = findingsByPackage.get(id);
          if (list) list.push(f);
          else findingsByPackage.set(id, [f]);
        }
      }
    }
    const packageIds = chunk.map((p) => p.packageId);
    const holding = await imagesHolding(store.db, packageIds);
    for (const h of holding) images.add(h.imageId);
    // The package's findings with the layers that introduced it in an image: one list per package and layers, shared
    // by every image where they are the same (the store then serializes each finding once).
    const withLayers = new Map<string, Finding[]>();
    const changes = await store.atomically(({ db }) =>
      replacePackageFindings(
        db,
        store.dialect,
        holding,
        packageIds,
        (image, packageId) => {
          const layers = [...new Set((image.locations.get(packageId) ?? []).map((l) => l.layerDigest).filter((d): d is string => d !== null))];
          const key = `${packageId}\n${layers.join('\n')}`;
          let list = withLayers.get(key);
          if (!list) withLayers.set(key, (list = (findingsByPackage.get(packageId) ?? []).map((f) => ({ ...f, layers }))));
          return list;
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

/**
 * `packages` in rounds with each purl at most once: a purl can be stored as several packages (content that differs
 * where matching does not look, such as dependencies), and findings name packages by purl, so each round's
 * findings go back to exactly the packages they came from.
 */
function distinctPurls(packages: readonly StoredPackage[]): StoredPackage[][] {
  const rounds: StoredPackage[][] = [];
  const seen = new Map<string, number>();
  for (const p of packages) {
    const round = seen.get(p.package.purl) ?? 0;
    seen.set(p.package.purl, round + 1);
    (rounds[round] ??= []).push(p);
  }
  return rounds;
}
