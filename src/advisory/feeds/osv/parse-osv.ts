// OSV records (schema 1.x) to Sextant advisories: validation and mapping of one record, or of a JSON dump.
import type { Advisory, AffectedPackage, AffectedRange, RangeEvent } from '../../../core/advisory.ts';
import { SextantError } from '../../../core/errors.ts';
import { severityOf } from '../../severity.ts';

type Json = Record<string, unknown>;

const RANGE_TYPES = new Set<string>(['ECOSYSTEM', 'SEMVER', 'GIT']);
const EVENT_KEYS = new Set<string>(['introduced', 'fixed', 'last_affected', 'limit']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** An OSV range, or null when it cannot be used: unknown type, or an event that is not exactly one known key. */
function rangeOf(raw: unknown): AffectedRange | null {
  if (!isObject(raw) || typeof raw.type !== 'string' || !RANGE_TYPES.has(raw.type) || !Array.isArray(raw.events)) return null;
  const events: RangeEvent[] = [];
  for (const event of raw.events) {
    if (!isObject(event)) return null;
    const keys = Object.keys(event);
    if (keys.length !== 1 || !EVENT_KEYS.has(keys[0]!) || typeof event[keys[0]!] !== 'string') return null;
    events.push(event as RangeEvent);
  }
  return { type: raw.type as AffectedRange['type'], events };
}

/** One `affected[]` entry; null without a package to match on (OSV allows repository-only entries). */
function affectedOf(raw: unknown): AffectedPackage | null {
  if (!isObject(raw) || !isObject(raw.package)) return null;
  const { ecosystem, name, purl } = raw.package;
  if (typeof ecosystem !== 'string' || typeof name !== 'string' || ecosystem === '' || name === '') return null;
  return {
    ecosystem,
    name,
    purl: stringOrNull(purl),
    ranges: (Array.isArray(raw.ranges) ? raw.ranges : []).map(rangeOf).filter((r) => r !== null),
    versions: strings(raw.versions),
    severity: severityOf({ severity: raw.severity, database_specific: raw.database_specific, ecosystem_specific: raw.ecosystem_specific }),
  };
}

function corrupt(origin: string, what: string): SextantError {
  return new SextantError('CORRUPT', `${origin}: not an OSV record: ${what}`);
}

/**
 * Validates one OSV record and maps it to an Advisory. Throws SextantError CORRUPT, naming `origin`, when it is
 * not an object, lacks `id` or `modified`, or has an `affected` that is not a list. Smaller faults drop only the
 * part they spoil: a range with an unknown type or a malformed event, an entry without a package, a reference
 * without a type or url. Unknown fields are ignored.
 */
export function parseOsvRecord(json: unknown, origin: string): Advisory {
  if (!isObject(json)) throw corrupt(origin, 'expected a JSON object');
  const { id, modified } = json;
  if (typeof id !== 'string' || id === '') throw corrupt(origin, 'missing "id"');
  if (typeof modified !== 'string' || modified === '') throw corrupt(origin, `${id} is missing "modified"`);
  const affected = json.affected ?? [];
  if (!Array.isArray(affected)) throw corrupt(origin, `${id} has an "affected" that is not a list`);
  const others = (ids: string[]): string[] => [...new Set(ids)].filter((other) => other !== id);
  const databaseSpecific = isObject(json.database_specific) ? json.database_specific : {};
  // A record with one upstream id is that vulnerability as one distribution tracks it (DEBIAN-CVE-…, ALPINE-CVE-…,
  // UBUNTU-CVE-… each name their CVE only as upstream): an alias. A notice with several (a USN, a DSA) is related
  // to each, and is none of them.
  const upstream = others(strings(json.upstream));
  const aliases = others([...strings(json.aliases), ...(upstream.length === 1 ? upstream : [])]);
  return {
    id,
    aliases,
    related: others([...upstream, ...strings(json.related)]).filter((r) => !aliases.includes(r)),
    modified,
    published: stringOrNull(json.published),
    withdrawn: stringOrNull(json.withdrawn),
    summary: stringOrNull(json.summary),
    details: stringOrNull(json.details),
    severity: severityOf(json),
    affected: affected.map(affectedOf).filter((a) => a !== null),
    references: (Array.isArray(json.references) ? json.references : [])
      .filter((r): r is { type: string; url: string } => isObject(r) && typeof r.type === 'string' && typeof r.url === 'string')
      .map((r) => ({ type: r.type, url: r.url })),
    cwes: [...new Set(strings(databaseSpecific.cwe_ids))],
  };
}

/**
 * Parses an OSV JSON document: one record, or an array of records (as some dumps ship them).
 * Throws SextantError CORRUPT with a one-line message for malformed JSON or a malformed record.
 */
export function parseOsvJson(bytes: Buffer | string, origin: string): Advisory[] {
  const text = (typeof bytes === 'string' ? bytes : bytes.toString('utf8')).replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new SextantError('CORRUPT', `${origin}: malformed JSON: ${reason}`, { cause: err });
  }
  return Array.isArray(json) ? json.map((record, i) => parseOsvRecord(record, `${origin}[${i}]`)) : [parseOsvRecord(json, origin)];
}
