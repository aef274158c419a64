// CISA's Known Exploited Vulnerabilities catalogue (JSON, per its published schema) to `KnownExploited` entries.
import type { KnownExploited } from '../../../core/advisory.ts';
import { SextantError } from '../../../core/errors.ts';

/** Where CISA publishes the catalogue. */
export const DEFAULT_KEV_URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';

/** Largest catalogue accepted (the real one, ~1,400 entries, is about 1.5 MiB). */
export const MAX_KEV_BYTES = 64 * 2 ** 20;

/** The catalogue: its version and release time, and one entry per CVE. */
export interface KevCatalogue {
  catalogVersion: string;
  dateReleased: string;
  entries: KnownExploited[];
}

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates and maps the catalogue. Throws SextantError CORRUPT, naming `origin`, on malformed JSON, a missing
 * `vulnerabilities` list, or an entry without a well-formed `cveID`, `dateAdded` or one of the text fields the schema
 * requires. `dueDate` may be missing; `knownRansomwareCampaignUse` is true only for "Known". A CVE listed twice
 * keeps its last entry.
 */
export function parseKev(text: string | Buffer, origin: string): KevCatalogue {
  let json: unknown;
  try {
    json = JSON.parse(text.toString());
  } catch (err) {
    throw new SextantError('CORRUPT', `${origin}: not a KEV catalogue: malformed JSON (${(err as Error).message})`, { cause: err });
  }
  const corrupt = (what: string) => new SextantError('CORRUPT', `${origin}: not a KEV catalogue: ${what}`);
  if (!isObject(json)) throw corrupt('expected a JSON object');
  if (!Array.isArray(json.vulnerabilities)) throw corrupt('no "vulnerabilities" list');
  const byCve = new Map<string, KnownExploited>();
  json.vulnerabilities.forEach((raw: unknown, index) => {
    const where = `vulnerabilities[${index}]`;
    if (!isObject(raw)) throw corrupt(`${where} is not an object`);
    const text = (key: string): string => {
      const value = raw[key];
      if (typeof value !== 'string') throw corrupt(`${where} has no "${key}"`);
      return value;
    };
    const cve = text('cveID');
    if (!CVE_ID.test(cve)) throw corrupt(`${where} has a malformed cveID "${cve}"`);
    const dateAdded = text('dateAdded');
    if (!DATE.test(dateAdded)) throw corrupt(`${cve} has a malformed dateAdded "${dateAdded}"`);
    const dueDate = raw.dueDate ?? null;
    if (dueDate !== null && (typeof dueDate !== 'string' || !DATE.test(dueDate))) throw corrupt(`${cve} has a malformed dueDate`);
    byCve.set(cve, {
      cve,
      vendorProject: text('vendorProject'),
      product: text('product'),
      vulnerabilityName: text('vulnerabilityName'),
      dateAdded,
      dueDate,
      requiredAction: text('requiredAction'),
      knownRansomware: raw.knownRansomwareCampaignUse === 'Known',
    });
  });
  return {
    catalogVersion: typeof json.catalogVersion === 'string' ? json.catalogVersion : '',
    dateReleased: typeof json.dateReleased === 'string' ? json.dateReleased : '',
    entries: [...byCve.values()],
  };
}
