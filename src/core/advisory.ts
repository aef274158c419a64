// Advisories in Sextant's model: the OSV shape of affected ranges, which the version module evaluates.

/** One point on an OSV range's timeline. Exactly one key per event. */
export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

/** An OSV `affected[].ranges[]` entry. GIT ranges name commits, which a package version cannot be placed among. */
export interface AffectedRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: RangeEvent[];
}

/** A severity rating, the way scanners print it. */
export type SeverityRating = 'critical' | 'high' | 'medium' | 'low' | 'none' | 'unknown';

/** How bad an advisory is: a rating, with the CVSS score and vector it was computed from when there is one. */
export interface Severity {
  rating: SeverityRating;
  /** Base score computed from `vector` (0.0–10.0); null when the rating came from a database's own label. */
  score: number | null;
  /** The CVSS vector string, or null. */
  vector: string | null;
  /** Where it came from: `CVSS_V4`, `CVSS_V3`, `CVSS_V2`, `Ubuntu`, or `database_specific` / `ecosystem_specific`. */
  source: string;
}

/** One package an advisory affects, in one ecosystem (OSV `affected[]`). */
export interface AffectedPackage {
  /** OSV ecosystem string as written, e.g. `Debian:12`, `npm`, `Maven`. */
  ecosystem: string;
  name: string;
  purl: string | null;
  ranges: AffectedRange[];
  /** Explicitly listed affected versions. */
  versions: string[];
  /** A severity given for this package only (some databases set it per package), else null. */
  severity: Severity | null;
}

/** An advisory as Sextant stores and matches it (from OSV; other feeds map onto the same shape). */
export interface Advisory {
  /** The advisory's own id: `GHSA-…`, `CVE-…`, `DSA-…`, `GO-…`, `PYSEC-…`, `ALPINE-…`. */
  id: string;
  /** Other ids for the same vulnerability (OSV `aliases`). */
  aliases: string[];
  /** OSV `upstream` and `related` ids, kept for display. */
  related: string[];
  /** RFC 3339 timestamps. */
  modified: string;
  published: string | null;
  /** Set when the advisory was withdrawn: it then matches nothing. */
  withdrawn: string | null;
  summary: string | null;
  details: string | null;
  /** The advisory's severity: the highest CVSS version given, else the database's own label; null when none. */
  severity: Severity | null;
  affected: AffectedPackage[];
  references: { type: string; url: string }[];
  /** CWE ids when the database gives them. */
  cwes: string[];
}

/** A CISA Known Exploited Vulnerabilities catalogue entry for one CVE. */
export interface KnownExploited {
  cve: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  /** YYYY-MM-DD. */
  dateAdded: string;
  /** YYYY-MM-DD: the remediation deadline CISA set for US federal agencies. */
  dueDate: string | null;
  requiredAction: string;
  /** `knownRansomwareCampaignUse`: true for "Known", false for "Unknown". */
  knownRansomware: boolean;
}

/** A FIRST EPSS score for one CVE: the probability of exploitation in the next 30 days, and its percentile. */
export interface ExploitPrediction {
  cve: string;
  /** 0–1. */
  score: number;
  /** 0–1. */
  percentile: number;
  /** YYYY-MM-DD of the score publication. */
  date: string;
}

/** What matching needs of an advisory: everything but the long text and the affected list (`AdvisoryStore.affecting`). */
export type AdvisoryHead = Omit<Advisory, 'details' | 'references' | 'cwes' | 'affected'>;
