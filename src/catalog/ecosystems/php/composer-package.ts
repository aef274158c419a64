// Shared by the composer.lock and installed.json parsers: one Composer package entry to a Package.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { NOASSERTION, normalizeLicenses } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

type Json = Record<string, unknown>;

/** True for a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/**
 * Composer's `license` array is disjunctive ("or"): the package may be used under any one of them (Composer's
 * schema docs), unlike normalizeLicenses' AND for several declarations.
 */
export function composerLicenses(v: unknown): string {
  const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  // SPDX operators are case-insensitive to the parser but written upper case (`MIT or GPL-2.0` → `MIT OR GPL-2.0`).
  const parts = [...new Set(list.map((l) => normalizeLicenses([l]).replace(/\s(and|or|with)\s/gi, (m) => m.toUpperCase())).filter((l) => l !== NOASSERTION))];
  if (parts.length <= 1) return parts[0] ?? NOASSERTION;
  return parts.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(' OR ');
}

/** Package names in a `require` map, without platform requirements (php, ext-*, lib-*, composer-*-api). */
export function requiredPackages(require: unknown): string[] {
  if (!isObject(require)) return [];
  return Object.keys(require).filter((n) => n.includes('/'));
}

/** The packages named in the application's composer.json `require` and `require-dev`, or null when unreadable. */
export function directNames(composerJson: Buffer | undefined): Set<string> | null {
  if (!composerJson) return null;
  try {
    const j: unknown = JSON.parse(composerJson.toString('utf8'));
    if (!isObject(j)) return null;
    return new Set([...requiredPackages(j['require']), ...requiredPackages(j['require-dev'])].map((n) => n.toLowerCase()));
  } catch {
    return null;
  }
}

/** One Composer package entry (lockfile or installed.json shape) as a Package; null when it has no name or version. */
export function composerPackage(entry: unknown, dev: boolean | null, direct: Set<string> | null, ctx: ParseContext): Package | null {
  if (!isObject(entry)) return null;
  const full = str(entry['name']);
  const version = str(entry['version']);
  if (!full || !version) return null;
  const slash = full.indexOf('/');
  const namespace = slash > 0 ? full.slice(0, slash) : null;
  const name = slash > 0 ? full.slice(slash + 1) : full;
  const authors = (Array.isArray(entry['authors']) ? entry['authors'] : [])
    .filter(isObject)
    .map((a) => {
      const n = str(a['name']);
      const e = str(a['email']);
      return n && e ? `${n} <${e}>` : (n ?? e ?? '');
    })
    .filter((a) => a !== '');
  const metadata: Json = {};
  if (dev !== null) metadata['dev'] = dev;
  for (const key of ['type', 'time', 'homepage'] as const) if (str(entry[key])) metadata[key] = entry[key];
  const dist = entry['dist'];
  if (isObject(dist)) metadata['dist'] = { type: str(dist['type']), url: str(dist['url']), reference: str(dist['reference']), shasum: str(dist['shasum']) };
  const source = entry['source'];
  if (isObject(source)) metadata['source'] = { type: str(source['type']), url: str(source['url']), reference: str(source['reference']) };
  return buildPackage(
    {
      type: 'composer',
      namespace,
      name,
      version,
      purl: makePurl({ type: 'composer', namespace, name, version }),
      authors,
      description: str(entry['description']),
      licenses: composerLicenses(entry['license']),
      direct: direct ? direct.has(full.toLowerCase()) : null,
      dependsOn: requiredPackages(entry['require']),
      metadata,
    },
    ctx,
  );
}

/** Parsed JSON, or undefined when the bytes are not JSON: callers decide whether that is corrupt. */
export function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
}
