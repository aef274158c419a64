// The matcher: packages in, findings out. Each package is looked up by its OSV coordinates, each candidate's
// ranges are evaluated with the ecosystem's version scheme, and advisories that are one vulnerability under
// several ids (CVE, GHSA, DSA, …) become one finding per package that lists them all, with why it matched.
import type { AdvisoryHead, AffectedPackage, ExploitPrediction, KnownExploited, Severity } from '../core/advisory.ts';
import type { OsRelease } from '../core/model.ts';
import type { Package } from '../core/package.ts';
import { lookupName } from '../advisory/names.ts';
import type { AffectedMatch } from '../advisory/store/advisory-store.ts';
import { affects } from '../version/range.ts';
import { memoized } from '../version/memoized.ts';
import { schemeFor } from '../version/registry.ts';
import { InvalidVersionError, type VersionScheme } from '../version/scheme.ts';
import { type OsvCoordinates, osvCoordinates } from './osv-coordinates.ts';

/** Why one advisory matched one package. */
export interface MatchExplanation {
  advisoryId: string;
  /** The OSV ecosystem entry that matched, as written (`Debian:12`, `npm`). */
  ecosystem: string;
  /** The name and version looked up, and how the package was keyed (`source package`, `binary package`, `package`). */
  name: string;
  installedVersion: string;
  keyedBy: OsvCoordinates['keyedBy'];
  /** The range evaluated (`>=0, <4.17.21`) or `listed` for an explicit versions entry. */
  range: string;
  /** The version scheme that ordered them. */
  scheme: string;
  matcher: 'osv-range';
  /** The advisory database the verdict came from (`db status` digest). */
  database: string;
}

/** One vulnerability in one package. */
export interface Finding {
  /** The id shown first: the CVE when there is one, else the lowest advisory id. */
  id: string;
  /** Every id of the vulnerability: the matched advisories' ids and aliases, sorted. */
  ids: string[];
  /** The stored advisories that matched. */
  advisoryIds: string[];
  purl: string;
  packageName: string;
  packageType: Package['type'];
  installedVersion: string;
  /** Versions that fix it, lowest first (empty: no fix known). */
  fixedIn: string[];
  /** The worst severity among the matched advisories. */
  severity: Severity | null;
  summary: string | null;
  /** Diff IDs of the layers that introduced the package. */
  layers: string[];
  explanations: MatchExplanation[];
  /** The CISA KEV entry of one of its CVE ids, or null (filled in by `withExploitData`). */
  kev: KnownExploited | null;
  /** The highest EPSS score among its CVE ids, or null (filled in by `withExploitData`). */
  epss: ExploitPrediction | null;
  /** An OpenVEX `under_investigation` statement about it, kept as a note; null when none. */
  vex: VexAnnotation | null;
}

/** A VEX statement that annotates a finding without suppressing it. */
export interface VexAnnotation {
  status: 'under_investigation' | 'affected';
  /** The VEX document it came from (path or `@id`). */
  document: string;
  statement: string | null;
}

/** Something the matcher could not decide, reported rather than guessed. */
export interface Undecided {
  purl: string;
  advisoryId: string;
  reason: string;
}

/** Where advisories come from: the advisory store, or anything that looks advisories up the same way. */
export interface AdvisorySource {
  /** The advisories affecting packages named `names` in OSV `ecosystem`, for `release` and the releases under it when given. */
  affecting(ecosystem: string, names: readonly string[], release: string | null): Promise<AffectedMatch[]>;
}

const RANK: Record<string, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1, unknown: 0 };

/**
 * Match `packages` (of an image whose distribution is `distro`) against the advisories `advisories` holds.
 * `database` names the advisory database for the explanations. Findings are sorted by package, then id.
 */
export async function matchPackages(packages: readonly Package[], distro: OsRelease | null, advisories: AdvisorySource, database: string): Promise<{ findings: Finding[]; undecided: Undecided[] }> {
  const coordinates = new Map<Package, OsvCoordinates[]>();
  // One lookup per ecosystem and release, then candidates by (ecosystem, lookup name).
  const lookups = new Map<string, { ecosystem: string; release: string | null; names: Set<string> }>();
  for (const p of packages) {
    const coords = osvCoordinates(p, distro);
    coordinates.set(p, coords);
    for (const c of coords) {
      const key = `${c.ecosystem}\n${c.release ?? ''}`;
      const entry = lookups.get(key) ?? { ecosystem: c.ecosystem, release: c.release, names: new Set<string>() };
      entry.names.add(c.name);
      lookups.set(key, entry);
    }
  }
  const candidates = new Map<string, AffectedMatch[]>();
  for (const { ecosystem, release, names } of lookups.values()) {
    for (const m of await advisories.affecting(ecosystem, [...names], release)) {
      const key = `${ecosystem}\n${lookupName(ecosystem, m.affected.name)}`;
      const list = candidates.get(key) ?? [];
      list.push(m);
      candidates.set(key, list);
    }
  }

  const findings: Finding[] = [];
  const undecided: Undecided[] = [];
  // Each scheme remembers its comparisons for this run: the same versions meet the same range events many times.
  const schemes = new Map<string, VersionScheme | undefined>();
  const schemeOf = (ecosystem: string, type: 'ECOSYSTEM' | 'SEMVER') => {
    const key = `${ecosystem.split(':')[0]}\n${type}`;
    if (!schemes.has(key)) {
      const scheme = schemeFor(ecosystem, type);
      schemes.set(key, scheme && memoized(scheme));
    }
    return schemes.get(key);
  };
  for (const p of packages) {
    const matched: { advisory: AdvisoryHead; fixedIn: string[]; explanation: MatchExplanation }[] = [];
    for (const c of coordinates.get(p) ?? []) {
      const forName = (candidates.get(`${c.ecosystem}\n${lookupName(c.ecosystem, c.name)}`) ?? []).filter((m) => releaseMatches(m.affected, c));
      // Debian keys its records by source package: the binary name is tried only when the source has none.
      if (forName.length === 0) continue;
      for (const m of forName) {
        const verdict = evaluate(m.affected, c, p, m.advisory.id, undecided, schemeOf);
        if (verdict) matched.push({ advisory: m.advisory, fixedIn: verdict.fixedIn, explanation: { advisoryId: m.advisory.id, ecosystem: m.affected.ecosystem, name: c.name, installedVersion: c.version, keyedBy: c.keyedBy, range: verdict.range, scheme: verdict.scheme, matcher: 'osv-range', database } });
      }
      break;
    }
    findings.push(...mergeByAlias(p, matched));
  }
  findings.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { findings, undecided };
}

/** For distribution ecosystems, an entry applies only to the image's release; language entries always apply. */
function releaseMatches(affected: AffectedPackage, c: OsvCoordinates): boolean {
  if (c.release === null) return true;
  const colon = affected.ecosystem.indexOf(':');
  if (colon < 0) return false;
  const release = affected.ecosystem.slice(colon + 1);
  return release === c.release || release.startsWith(`${c.release}:`);
}

/** Whether `affected` covers the package's version: each range type with its scheme, or the versions list. */
function evaluate(affected: AffectedPackage, c: OsvCoordinates, p: Package, advisoryId: string, undecided: Undecided[], schemeOf: (ecosystem: string, type: 'ECOSYSTEM' | 'SEMVER') => VersionScheme | undefined): { fixedIn: string[]; range: string; scheme: string } | null {
  const types = new Set(affected.ranges.map((r) => r.type).filter((t) => t !== 'GIT'));
  const groups: ['ECOSYSTEM' | 'SEMVER', AffectedPackage['ranges']][] = [...types].map((t) => [t as 'ECOSYSTEM' | 'SEMVER', affected.ranges.filter((r) => r.type === t)]);
  if (groups.length === 0) groups.push(['ECOSYSTEM', []]);
  for (const [type, ranges] of groups) {
    const scheme = schemeOf(affected.ecosystem, type);
    if (!scheme) {
      undecided.push({ purl: p.purl, advisoryId, reason: `no version ordering for ${affected.ecosystem}` });
      return null;
    }
    try {
      const verdict = affects(scheme, c.version, ranges, affected.versions);
      if (verdict.affected) return { fixedIn: verdict.fixedIn, range: verdict.matched ?? '', scheme: scheme.name };
    } catch (err) {
      if (!(err instanceof InvalidVersionError)) throw err;
      undecided.push({ purl: p.purl, advisoryId, reason: err.message });
      return null;
    }
  }
  return null;
}

/** Advisories of one package that share an id or alias are one finding (union by shared ids). */
function mergeByAlias(p: Package, matched: { advisory: AdvisoryHead; fixedIn: string[]; explanation: MatchExplanation }[]): Finding[] {
  const groups: { ids: Set<string>; items: typeof matched }[] = [];
  for (const m of matched) {
    const ids = new Set([m.advisory.id, ...m.advisory.aliases]);
    const joined = groups.filter((g) => [...ids].some((id) => g.ids.has(id)));
    const group = { ids, items: [m] };
    for (const g of joined) {
      for (const id of g.ids) group.ids.add(id);
      group.items.push(...g.items);
      groups.splice(groups.indexOf(g), 1);
    }
    groups.push(group);
  }
  return groups.map(({ ids, items }) => {
    const all = [...ids].sort();
    const advisoryIds = [...new Set(items.map((i) => i.advisory.id))].sort();
    const severity = items.map((i) => i.advisory.severity).reduce<Severity | null>((worst, s) => (s && (!worst || RANK[s.rating]! > RANK[worst.rating]! || (s.rating === worst.rating && (s.score ?? 0) > (worst.score ?? 0))) ? s : worst), null);
    const fixedIn = [...new Set(items.flatMap((i) => i.fixedIn))];
    return {
      id: all.find((id) => id.startsWith('CVE-')) ?? advisoryIds[0] ?? all[0] ?? '',
      ids: all,
      advisoryIds,
      purl: p.purl,
      packageName: p.namespace && p.type !== 'deb' && p.type !== 'apk' && p.type !== 'rpm' ? `${p.namespace}${p.type === 'maven' ? ':' : '/'}${p.name}` : p.name,
      packageType: p.type,
      installedVersion: p.version,
      fixedIn,
      severity,
      summary: items.find((i) => i.advisory.summary)?.advisory.summary ?? null,
      layers: [...new Set(p.locations.map((l) => l.layerDigest).filter((d): d is string => d !== null))],
      explanations: items.map((i) => i.explanation).sort((a, b) => (a.advisoryId < b.advisoryId ? -1 : 1)),
      kev: null,
      epss: null,
      vex: null,
    };
  });
}
