// Continuous re-evaluation: when advisories change, only the stored packages the changed advisories name (through
// their OSV coordinates) are matched again, once per distinct package however many images hold it; their stored
// findings are replaced, and the differences are recorded as events on every image holding them.
import type { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { matchPackages, type Finding } from '../match/matcher.ts';
import { distroOf } from './distro-of.ts';
import { imagesHolding, packagesById, packagesForKeys, replacePackageFindings, type StoredPackage } from './store/reevaluation.ts';
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
 * `advisories` (whose digest is `database`): their stored findings are replaced, and every image of every org
 * holding them records what appeared and disappeared, with `cause`. Packages are processed in chunks, each in one
 * transaction.
 */
export async function reevaluatePackages(store: PlatformStore, advisories: AdvisoryStore, changed: ReadonlySet<string>, database: string, cause: string, at = new Date().toISOString()): Promise<Reevaluation> {
  if (changed.size === 0) return { images: 0, appeared: 0, disappeared: 0 };
  return reevaluateStored(store, advisories, await packagesForKeys(store.db, changed), database, cause, at);
}

/**
 * Re-evaluate stored packages `packageIds` (say, those a push stored while the advisories changed under it) as
 * `reevaluatePackages` does.
 */
export async function reevaluatePackageIds(store: PlatformStore, advisories: AdvisoryStore, packageIds: readonly number[], database: string, cause: string, at = new Date().toISOString()): Promise<Reevaluation> {
  return reevaluateStored(store, advisories, await packagesById(store.db, store.dialect, packageIds), database, cause, at);
}

async function reevaluateStored(store: PlatformStore, advisories: AdvisoryStore, packages: readonly StoredPackage[], database: string, cause: string, at: string): Promise<Reevaluation> {
  const result: Reevaluation = { images: 0, appeared: 0, disappeared: 0 };
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
    const findingsByPackage = new Map<number, Finding[]>(chunk.map((p) => [p.packageId, []]));
    for (const group of byDistro.values()) {
      for (const round of distinctPurls(group)) {
        const idByPurl = new Map(round.map((p) => [p.package.purl, p.packageId]));
        const matched = await matchPackages(
          round.map((p) => p.package),
          distroOf(round.map((p) => p.package)),
          advisories,
          database,
        );
        for (const f of matched.findings) {
          const id = idByPurl.get(f.purl);
          if (id !== undefined) findingsByPackage.get(id)?.push(f);
        }
      }
    }
    for (const id of await imagesHolding(store.db, store.dialect, [...findingsByPackage.keys()])) images.add(id);
    const changes = await store.atomically(({ db }) => replacePackageFindings(db, store.dialect, findingsByPackage, cause, at));
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
