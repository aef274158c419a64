// Advisory severity: CVSS v2/v3.0/v3.1/v4.0 base scores (ae-cvss-calculator) and database labels, chosen OSV-style.
import cvss from 'ae-cvss-calculator';
import type { Severity, SeverityRating } from '../core/advisory.ts';

// The package is a UMD bundle: Node's ESM loader only sees its default export (module.exports).
const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvss;

type CvssSource = 'CVSS_V4' | 'CVSS_V3' | 'CVSS_V2';

/** Vector prefixes, newest first; a vector without a `CVSS:` prefix is v2 (its only notation). */
const FLAVOURS = [
  { prefix: 'CVSS:4.0/', source: 'CVSS_V4', rank: 4, make: (v: string) => new Cvss4P0(v) },
  { prefix: 'CVSS:3.1/', source: 'CVSS_V3', rank: 3.1, make: (v: string) => new Cvss3P1(v) },
  { prefix: 'CVSS:3.0/', source: 'CVSS_V3', rank: 3, make: (v: string) => new Cvss3P0(v) },
  { prefix: '', source: 'CVSS_V2', rank: 2, make: (v: string) => new Cvss2(v) },
] as const satisfies readonly { prefix: string; source: CvssSource; rank: number; make: (v: string) => unknown }[];

/** The qualitative rating of a CVSS base score: the v3/v4 scale, or v2's three bands. */
export function ratingOfScore(score: number, source: CvssSource): SeverityRating {
  if (source === 'CVSS_V2') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

/** Whether every part after the version prefix is a `KEY:VALUE` metric, each key once (the library lets repeats win). */
function wellFormedMetrics(body: string): boolean {
  const keys = body.split('/').map((part) => /^([A-Za-z]+):[A-Za-z]+$/.exec(part)?.[1]);
  return keys.every((key) => key !== undefined) && new Set(keys).size === keys.length;
}

function parseCvss(vector: string): { severity: Severity; rank: number } | null {
  let text = vector.trim();
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1); // NVD's old v2 notation
  if (text.startsWith('CVSS:2.0/')) text = text.slice('CVSS:2.0/'.length);
  const flavour = FLAVOURS.find((f) => text.startsWith(f.prefix));
  if (!flavour || (flavour.prefix === '' && text.startsWith('CVSS:'))) return null; // an unknown CVSS version
  if (!wellFormedMetrics(text.slice(flavour.prefix.length))) return null;
  try {
    const parsed = flavour.make(text);
    if (!parsed.isBaseFullyDefined()) return null;
    const scores = parsed.calculateScores();
    // For v4 the library's `base` folds in threat and environmental metrics; CVSS-B is `baseMetricsOnly`.
    const score = 'baseMetricsOnly' in scores ? scores.baseMetricsOnly : scores.base;
    if (typeof score !== 'number' || !Number.isFinite(score)) return null;
    return {
      severity: { rating: ratingOfScore(score, flavour.source), score, vector: vector.trim(), source: flavour.source },
      rank: flavour.rank,
    };
  } catch {
    return null; // unknown metric or value: the library throws, and a bad vector is simply not used
  }
}

/** The severity a CVSS vector (v2, v3.0, v3.1 or v4.0) gives, from its base score; null when it is malformed. */
export function severityFromCvss(vector: string): Severity | null {
  return parseCvss(vector)?.severity ?? null;
}

const LABELS: Record<string, SeverityRating> = {
  critical: 'critical',
  high: 'high',
  important: 'high', // Red Hat
  moderate: 'medium', // GitHub, Red Hat
  medium: 'medium',
  low: 'low',
  negligible: 'low', // Ubuntu: a problem in theory only
  none: 'none',
  untriaged: 'unknown', // Ubuntu: not yet assessed
};

/** The severity a database's own label gives (`HIGH`, `MODERATE`, `negligible`…); null for labels it does not know. */
export function severityFromLabel(label: string, source: string): Severity | null {
  const rating = LABELS[label.trim().toLowerCase()];
  return rating ? { rating, score: null, vector: null, source } : null;
}

/** The parts of an OSV record (or of one `affected[]` entry) that speak of severity; anything may be malformed. */
export interface SeverityInputs {
  severity?: unknown;
  database_specific?: unknown;
  ecosystem_specific?: unknown;
  affected?: unknown;
}

const ORDER: readonly SeverityRating[] = ['unknown', 'none', 'low', 'medium', 'high', 'critical'];

/** The worse of two severities: higher rating, then higher score. */
function worse(a: Severity | null, b: Severity | null): Severity | null {
  if (!a || !b) return a ?? b;
  const byRating = ORDER.indexOf(b.rating) - ORDER.indexOf(a.rating);
  return byRating > 0 || (byRating === 0 && (b.score ?? -1) > (a.score ?? -1)) ? b : a;
}

function entries(list: unknown): { type: string; score: string }[] {
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is { type: string; score: string } =>
      typeof e === 'object' && e !== null && typeof e.type === 'string' && typeof e.score === 'string',
  );
}

/** The best CVSS severity of one OSV `severity[]`: the newest CVSS version (3.1 over 3.0), then the highest score. */
function bestCvss(list: unknown): { severity: Severity; rank: number } | null {
  let best: { severity: Severity; rank: number } | null = null;
  for (const entry of entries(list)) {
    if (!entry.type.startsWith('CVSS_')) continue;
    const found = parseCvss(entry.score);
    if (!found) continue;
    if (!best || found.rank > best.rank || (found.rank === best.rank && found.severity.score! > best.severity.score!)) best = found;
  }
  return best;
}

function labelIn(holder: unknown, source: string): Severity | null {
  if (typeof holder !== 'object' || holder === null) return null;
  const label = (holder as { severity?: unknown }).severity;
  return typeof label === 'string' ? severityFromLabel(label, source) : null;
}

function ubuntuIn(list: unknown): Severity | null {
  const entry = entries(list).find((e) => e.type === 'Ubuntu');
  return entry ? severityFromLabel(entry.score, 'Ubuntu') : null;
}

/**
 * An OSV record's severity. In order: the newest CVSS version in `severity[]` (record level, else the worst over
 * `affected[].severity`); else `database_specific.severity` (GitHub's labels); else `ecosystem_specific.severity`;
 * else the Ubuntu priority in `severity[]`. Each source is read at record level first, then per package.
 * Malformed vectors and unknown labels are skipped. Null when nothing gives a severity.
 */
export function severityOf(record: SeverityInputs): Severity | null {
  const affected = (Array.isArray(record.affected) ? record.affected : []).filter(
    (a): a is SeverityInputs => typeof a === 'object' && a !== null,
  );
  const fromPackages = (pick: (a: SeverityInputs) => Severity | null): Severity | null =>
    affected.map(pick).reduce<Severity | null>(worse, null);
  const packageCvss = (): Severity | null => {
    const found = affected.map((a) => bestCvss(a.severity)).filter((f) => f !== null);
    // Packages are separate assessments: the newest CVSS major version among them, then the worst of those.
    const top = Math.max(...found.map((f) => Math.floor(f.rank)));
    return found.filter((f) => Math.floor(f.rank) === top).map((f) => f.severity).reduce<Severity | null>(worse, null);
  };
  return (
    bestCvss(record.severity)?.severity ??
    packageCvss() ??
    labelIn(record.database_specific, 'database_specific') ??
    fromPackages((a) => labelIn(a.database_specific, 'database_specific')) ??
    labelIn(record.ecosystem_specific, 'ecosystem_specific') ??
    fromPackages((a) => labelIn(a.ecosystem_specific, 'ecosystem_specific')) ??
    ubuntuIn(record.severity) ??
    fromPackages((a) => ubuntuIn(a.severity))
  );
}
