// The advisory lookups of pushes and local analyses, remembered per package name for as long as the advisory
// database stays the same: most of an image's packages (its base image's, its popular libraries) were looked up for
// the images before it, and asking the store again is most of a push's database work.
import { lookupName } from '../advisory/names.ts';
import type { AffectedMatch } from '../advisory/store/advisory-store.ts';
import type { AdvisorySource } from '../match/matcher.ts';

/** Package names remembered at most (each with its advisories); past it, the cache starts over. */
const MAX_NAMES = 50_000;

export interface AdvisoryLookupCache {
  /** Lookups against advisory database `digest`, answered from memory when asked before; a new digest starts over. */
  forDatabase(digest: string): AdvisorySource;
}

/** A cache in front of `source` (the advisory store). */
export function advisoryLookupCache(source: AdvisorySource): AdvisoryLookupCache {
  let database: string | null = null;
  let byName = new Map<string, AffectedMatch[]>();
  return {
    forDatabase(digest) {
      if (digest !== database) {
        database = digest;
        byName = new Map();
      }
      const cache = byName;
      return {
        async affecting(ecosystem, names, release) {
          const prefix = `${ecosystem}\n${release ?? ''}\n`;
          const out: AffectedMatch[] = [];
          const missing = new Set<string>();
          for (const name of new Set(names.map((n) => lookupName(ecosystem, n)))) {
            const known = cache.get(prefix + name);
            if (known) out.push(...known);
            else missing.add(name);
          }
          if (missing.size === 0) return out;
          const found = await source.affecting(ecosystem, [...missing], release);
          out.push(...found);
          const byMissing = new Map<string, AffectedMatch[]>([...missing].map((name) => [name, []]));
          for (const m of found) {
            const list = byMissing.get(lookupName(ecosystem, m.affected.name));
            // A match under a name not asked for: keep nothing of this lookup rather than remember it wrongly.
            if (!list) return out;
            list.push(m);
          }
          if (cache.size + byMissing.size > MAX_NAMES) cache.clear();
          for (const [name, list] of byMissing) cache.set(prefix + name, list);
          return out;
        },
      };
    },
  };
}
