// Advisories in Sextant's model: the OSV shape of affected ranges, which the version module evaluates.

/** One point on an OSV range's timeline. Exactly one key per event. */
export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

/** An OSV `affected[].ranges[]` entry. GIT ranges name commits, which a package version cannot be placed among. */
export interface AffectedRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: RangeEvent[];
}
