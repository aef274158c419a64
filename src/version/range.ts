// OSV affected ranges evaluated for one installed version under one version scheme: the OSV schema's
// algorithm (limits first, then the events in version order), plus explicit version lists and fix versions.
import type { AffectedRange, RangeEvent } from '../core/advisory.ts';
import type { VersionScheme } from './scheme.ts';

/** What `affects` found: whether the version is affected, by what, and the versions that fix it. */
export interface RangeVerdict {
  affected: boolean;
  /** The range that matched, as text (`>=1.2.0, <1.2.5`), or `listed` when the versions list named it. */
  matched: string | null;
  /** For each matching range, the `fixed` version that ends the interval holding the installed one; lowest first. */
  fixedIn: string[];
  /**
   * Event versions the scheme could not read (skipped), and ranges that cannot be placed (GIT): an affected
   * verdict never rests on them, and the matcher reports them rather than guessing.
   */
  unreadable: string[];
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface Event {
  kind: Kind;
  version: string;
}

function eventOf(e: RangeEvent): Event {
  const [kind, version] = Object.entries(e)[0] as [Kind, string];
  return { kind, version };
}

/**
 * Whether `version` is affected by an OSV `affected[]` entry's `ranges` and `versions`, under `scheme`.
 * ECOSYSTEM and SEMVER ranges are evaluated with `scheme` (the caller picks SemVer for SEMVER ranges);
 * `introduced: "0"` is below every version, a `limit` containing `*` is infinity. Throws InvalidVersionError
 * when `version` itself is not a version of the scheme.
 */
export function affects(scheme: VersionScheme, version: string, ranges: readonly AffectedRange[], versions: readonly string[] = []): RangeVerdict {
  // Throws for an unreadable installed version: nothing can be said about it.
  scheme.compare(version, version);
  const unreadable: string[] = [];
  const fixedIn = new Set<string>();
  let matched: string | null = null;
  for (const range of ranges) {
    if (range.type === 'GIT') {
      unreadable.push('GIT range');
      continue;
    }
    const events = range.events.map(eventOf).filter((e) => {
      if (e.version === '0' && e.kind === 'introduced') return true;
      if (e.kind === 'limit' && e.version.includes('*')) return true;
      if (scheme.isValid(e.version)) return true;
      unreadable.push(`${e.kind} ${e.version}`);
      return false;
    });
    if (!beforeLimits(scheme, version, events)) continue;
    const ordered = sorted(scheme, events);
    if (!inRange(scheme, version, ordered)) continue;
    matched ??= describe(ordered);
    const fix = firstFixAbove(scheme, version, ordered);
    if (fix !== undefined) fixedIn.add(fix);
  }
  if (matched === null && versions.some((v) => v === version || (scheme.isValid(v) && scheme.compare(v, version) === 0))) matched = 'listed';
  const fixes = [...fixedIn].sort((a, b) => scheme.compare(a, b));
  return { affected: matched !== null, matched, fixedIn: fixes, unreadable };
}

/** Events in version order (`introduced: "0"` first, `*` limits last); equal versions keep their order. */
function sorted(scheme: VersionScheme, events: readonly Event[]): Event[] {
  const rank = (e: Event) => (e.kind === 'introduced' && e.version === '0' ? -1 : e.kind === 'limit' && e.version.includes('*') ? 1 : 0);
  return [...events].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 && rank(b) === 0 ? scheme.compare(a.version, b.version) : 0));
}

/** OSV's BeforeLimits: no limit events (an implicit `*`), or the version is below one of them. */
function beforeLimits(scheme: VersionScheme, version: string, events: readonly Event[]): boolean {
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length === 0) return true;
  return limits.some((e) => e.version.includes('*') || scheme.compare(version, e.version) < 0);
}

/**
 * OSV's timeline walk over events in version order: introduced at or below turns it on; fixed at or below, or
 * last_affected below, turns it off.
 */
function inRange(scheme: VersionScheme, version: string, events: readonly Event[]): boolean {
  let vulnerable = false;
  for (const e of events) {
    if (e.kind === 'introduced') {
      if (e.version === '0' || scheme.compare(version, e.version) >= 0) vulnerable = true;
    } else if (e.kind === 'fixed') {
      if (scheme.compare(version, e.version) >= 0) vulnerable = false;
    } else if (e.kind === 'last_affected') {
      if (scheme.compare(version, e.version) > 0) vulnerable = false;
    }
  }
  return vulnerable;
}

/** The fix of the interval `version` lies in: the first `fixed` event above it, in version order. */
function firstFixAbove(scheme: VersionScheme, version: string, events: readonly Event[]): string | undefined {
  return events.find((e) => e.kind === 'fixed' && scheme.compare(e.version, version) > 0)?.version;
}

/** A range as text: `>=1.0, <1.2 || >=2.0, <=2.3`; `introduced: "0"` has no lower bound. */
function describe(events: readonly Event[]): string {
  const parts: string[] = [];
  let current: string[] = [];
  for (const e of events) {
    if (e.kind === 'introduced') {
      if (current.length > 0) parts.push(current.join(', '));
      current = e.version === '0' ? ['>=0'] : [`>=${e.version}`];
    } else if (e.kind === 'fixed') current.push(`<${e.version}`);
    else if (e.kind === 'last_affected') current.push(`<=${e.version}`);
    else if (!e.version.includes('*')) current.push(`<${e.version} (limit)`);
  }
  if (current.length > 0) parts.push(current.join(', '));
  return parts.join(' || ');
}
