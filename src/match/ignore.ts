// `.sextant-ignore.yaml`: vulnerabilities a team has decided to accept, by id, optionally for one package and
// until a date, with a reason. Read strictly: a typo in a key must not silently ignore nothing (or everything).
import { readFile } from 'node:fs/promises';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { SextantError } from '../core/errors.ts';
import { type ParsedPurl, parsePurl } from './purl-match.ts';
import { DEFAULT_IGNORE_FILE } from './suppression.ts';

const ENTRY_KEYS = ['id', 'purl', 'expires', 'reason'];
const DAY_MS = 86_400_000;

/** One entry of an ignore file. */
export interface IgnoreEntry {
  /** Any id of the vulnerability (CVE, GHSA, …), as written. */
  id: string;
  /** Only for packages (or the image) this package URL names; null: everywhere. */
  purl: string | null;
  purlPattern: ParsedPurl | null;
  /** YYYY-MM-DD: the entry applies until the end of that day (UTC); null: no end. */
  expires: string | null;
  reason: string | null;
  /** 1-based position among the entries, and the line it starts on. */
  position: number;
  line: number;
}

/** An ignore file as read. */
export interface IgnoreFile {
  path: string;
  entries: IgnoreEntry[];
}

/**
 * The ignore file to use: `named` when given (it must exist), else `.sextant-ignore.yaml` in `cwd` when there is
 * one, else null.
 */
export async function loadIgnoreFile(named: string | undefined, cwd: string = process.cwd()): Promise<IgnoreFile | null> {
  const path = named ?? DEFAULT_IGNORE_FILE;
  let text: string;
  try {
    text = await readFile(named === undefined ? `${cwd}/${DEFAULT_IGNORE_FILE}` : named, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && named === undefined) return null;
    if (code === 'ENOENT') throw new SextantError('NOT_FOUND', `ignore file ${path} does not exist`, { cause: err });
    throw new SextantError('USAGE', `cannot read ignore file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseIgnoreFile(text, path);
}

/** Check and read the ignore file `text`; `path` names it in errors. */
export function parseIgnoreFile(text: string, path: string): IgnoreFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lineCounter.linePos(offset).line);
  const problem = doc.errors[0];
  if (problem) throw new SextantError('CORRUPT', `${path}:${lineOf(problem.pos[0])}: not valid YAML (${problem.message.split('\n')[0]})`);

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { path, entries: [] };
  if (!isMap(root)) throw new SextantError('CORRUPT', `${path}: expected a mapping with an "ignore" list`);
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (key !== 'ignore') throw new SextantError('CORRUPT', `${path}:${lineOf(isNode(pair.key) ? pair.key.range?.[0] : undefined)}: unknown key "${String(key)}" (the file holds one "ignore" list)`);
  }
  const list = root.get('ignore', true);
  if (list === undefined || (isScalar(list) && list.value === null)) return { path, entries: [] };
  if (!isSeq(list)) throw new SextantError('CORRUPT', `${path}: "ignore" must be a list of entries`);
  const values = (doc.toJS() as { ignore: unknown[] }).ignore;
  return {
    path,
    entries: list.items.map((node, i) => {
      const line = lineOf(isNode(node) ? node.range?.[0] : undefined);
      return parseEntry(values[i], i + 1, line, `${path}:${line}: ignore entry ${i + 1}`);
    }),
  };
}

/** Whether `entry` no longer applies at `now` (its day has ended, in UTC). */
export function ignoreEntryExpired(entry: IgnoreEntry, now: Date): boolean {
  return entry.expires !== null && now.getTime() >= Date.parse(`${entry.expires}T00:00:00Z`) + DAY_MS;
}

function parseEntry(raw: unknown, position: number, line: number, where: string): IgnoreEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SextantError('CORRUPT', `${where}: an entry is a mapping with at least an id`);
  const fields = raw as Record<string, unknown>;
  const id = fields['id'];
  const label = typeof id === 'string' && id.trim() ? `${where} (${id.trim()})` : where;
  const unknown = Object.keys(fields).find((k) => !ENTRY_KEYS.includes(k));
  if (unknown !== undefined) throw new SextantError('CORRUPT', `${label}: unknown key "${unknown}" (use ${ENTRY_KEYS.join(', ')})`);
  if (id === undefined || id === null) throw new SextantError('CORRUPT', `${where}: no id (the vulnerability's CVE, GHSA or other id)`);
  if (typeof id !== 'string' || !id.trim()) throw new SextantError('CORRUPT', `${where}: id must be a vulnerability id such as CVE-2023-1234`);

  const purl = optionalString(fields['purl'], 'purl', label);
  const purlPattern = purl === null ? null : parsePurl(purl);
  if (purl !== null && !purlPattern) throw new SextantError('CORRUPT', `${label}: purl "${purl}" is not a package URL`);

  const expiresRaw = fields['expires'];
  // A YAML 1.1 reader would make a Date of it; this one keeps the text, but a date object is taken too.
  const expires = expiresRaw instanceof Date ? expiresRaw.toISOString().slice(0, 10) : optionalString(expiresRaw, 'expires', label);
  if (expires !== null && !isCalendarDate(expires)) throw new SextantError('CORRUPT', `${label}: expires "${expires}" is not a date (write YYYY-MM-DD)`);

  return { id: id.trim(), purl, purlPattern, expires, reason: optionalString(fields['reason'], 'reason', label), position, line };
}

function optionalString(value: unknown, key: string, label: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new SextantError('CORRUPT', `${label}: ${key} must be text`);
  return value.trim() || null;
}

/** `YYYY-MM-DD` naming a day that exists. */
function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text;
}
