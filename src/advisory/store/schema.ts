// The advisory store's tables, as Kysely sees them. Searchable fields are columns; the bulky parts are JSON text.
import type { ColumnType } from 'kysely';

/** One advisory: indexed by id and modified; its head as JSON, its long text deflated (see advisory-rows.ts). */
export interface AdvisoryTable {
  id: string;
  modified: string;
  published: string | null;
  withdrawn: string | null;
  severity_rating: string | null;
  severity_score: number | null;
  /** Which source last wrote it (`osv:npm`, `import:…`). */
  source: string;
  /** sha256 of the whole advisory's JSON: tells a changed advisory from the same one when `modified` does not move (Go's records). */
  digest: string;
  /** JSON of the AdvisoryHead: what matching reads. */
  head: string;
  /** Deflated JSON of the details, references and CWEs. */
  body: Uint8Array;
}

/** Every other id an advisory is known by, for alias lookups (CVE ↔ GHSA ↔ DSA …). */
export interface AliasTable {
  alias: string;
  advisory_id: string;
}

/** One affected package of one advisory: looked up by ecosystem (without its `:release`) and package name. */
export interface AffectedTable {
  advisory_id: string;
  /** OSV ecosystem before any `:` suffix (`Debian`, `npm`). */
  ecosystem: string;
  /** The `:`-suffix as written (`12`, `v3.20`, `22.04:LTS`), or '' for none. */
  ecosystem_release: string;
  name: string;
  /** Position in the advisory's affected list. */
  ordinal: number;
  /** JSON of the core AffectedPackage. */
  data: string;
}

/** A feed or import run's bookkeeping: what was fetched last, and how much it holds. */
export interface SourceTable {
  name: string;
  /** ETag, Last-Modified or content digest of what was last read; unchanged means nothing to do. */
  fingerprint: string | null;
  count: ColumnType<number, number, number>;
  updated_at: string;
}

/** One CVE in CISA's Known Exploited Vulnerabilities catalogue (the whole table is replaced by each update). */
export interface KnownExploitedTable {
  cve: string;
  vendor_project: string;
  product: string;
  vulnerability_name: string;
  /** YYYY-MM-DD. */
  date_added: string;
  /** YYYY-MM-DD, or null. */
  due_date: string | null;
  required_action: string;
  /** 1 when CISA knows of ransomware campaigns using it, else 0. */
  known_ransomware: ColumnType<number, number, number>;
}

/** One CVE's FIRST EPSS score (the whole table is replaced by each update). */
export interface ExploitPredictionTable {
  cve: string;
  /** 0–1 probability of exploitation in the next 30 days. */
  score: number;
  /** 0–1. */
  percentile: number;
  /** YYYY-MM-DD the scores were published. */
  date: string;
}

export interface AdvisoryDatabase {
  advisory: AdvisoryTable;
  advisory_alias: AliasTable;
  affected: AffectedTable;
  source: SourceTable;
  known_exploited: KnownExploitedTable;
  exploit_prediction: ExploitPredictionTable;
}
