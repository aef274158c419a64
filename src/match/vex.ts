// OpenVEX documents (spec v0.2.0, and the older `https://openvex.dev/ns` shape): read, checked, and asked which
// statement speaks for a finding. The latest applicable statement wins, as OpenVEX prescribes.
import { readFile } from 'node:fs/promises';
import { SextantError } from '../core/errors.ts';
import type { Finding } from './matcher.ts';
import { type ParsedPurl, parsePurl, purlMatches } from './purl-match.ts';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

const STATUSES: readonly VexStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];

/** The justification labels of the VEX Working Group (Status Justifications, 2022), as OpenVEX lists them. */
export const VEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

/** A product of a statement: its package URLs (`@id` and `identifiers.purl`) and those of its subcomponents. */
export interface VexProduct {
  purls: ParsedPurl[];
  /** Null when no subcomponents are listed; else their package URLs (the statement is then about those only). */
  subcomponents: ParsedPurl[] | null;
}

/** One statement, with what it inherits from its document already filled in. */
export interface VexStatement {
  /** 1-based position in its document. */
  position: number;
  /** The vulnerability's name (`CVE-2023-1234`) and its aliases. */
  vulnerability: string;
  aliases: string[];
  products: VexProduct[];
  status: VexStatus;
  justification: string | null;
  impactStatement: string | null;
  actionStatement: string | null;
  statusNotes: string | null;
  /** The statement's timestamp, else its document's, as written; null when neither has one. */
  timestamp: string | null;
}

/** An OpenVEX document as read from a file. */
export interface VexDocument {
  /** Where it was read from (the path given). */
  source: string;
  /** The document's `@id`, when it has one. */
  id: string | null;
  timestamp: string | null;
  statements: VexStatement[];
}

/** Read and check the OpenVEX document at `path`. */
export async function readVexDocument(path: string): Promise<VexDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SextantError(code === 'ENOENT' ? 'NOT_FOUND' : 'USAGE', code === 'ENOENT' ? `VEX document ${path} does not exist` : `cannot read VEX document ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseVexDocument(text, path);
}

/** Check and take apart the OpenVEX document `text`; `source` names it in errors. An in-toto statement carrying one is unwrapped. */
export function parseVexDocument(text: string, source: string): VexDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SextantError('CORRUPT', `${source}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!isObject(json)) throw new SextantError('CORRUPT', `${source}: an OpenVEX document is a JSON object`);
  const doc = unwrapAttestation(json);
  if (!isOpenVexContext(doc['@context'])) throw notOpenVex(doc, source);
  const timestamp = optionalTimestamp(doc['timestamp'], `${source}: document timestamp`);
  const statements = doc['statements'];
  if (!Array.isArray(statements)) throw new SextantError('CORRUPT', `${source}: "statements" must be a list`);
  return {
    source,
    id: optionalString(doc['@id'], `${source}: document @id`),
    timestamp,
    statements: statements.map((s, i) => parseStatement(s, i + 1, timestamp, `${source}: statement ${i + 1}`)),
  };
}

/** Statements of several documents, found by any of their vulnerability's names. */
export interface VexIndex {
  byId: Map<string, { document: VexDocument; order: number; statement: VexStatement }[]>;
}

/** Index `documents` (in the order given: later documents win ties) by vulnerability name and alias. */
export function indexVex(documents: readonly VexDocument[]): VexIndex {
  const byId: VexIndex['byId'] = new Map();
  let order = 0;
  for (const document of documents) {
    for (const statement of document.statements) {
      const entry = { document, order: order++, statement };
      for (const id of new Set([statement.vulnerability, ...statement.aliases].map(normaliseId))) {
        const list = byId.get(id) ?? [];
        list.push(entry);
        byId.set(id, list);
      }
    }
  }
  return { byId };
}

/**
 * The statement that speaks for `finding`: of those naming one of its ids and a product that is the image (one of
 * `imagePurls`) or the finding's package, the latest by timestamp (statement's, else document's; statements with
 * neither count as oldest), then by order (document order, then position). Null when none applies.
 */
export function applicableVexStatement(index: VexIndex, finding: Finding, packagePurl: ParsedPurl | null, imagePurls: readonly ParsedPurl[]): { document: VexDocument; statement: VexStatement } | null {
  let best: { document: VexDocument; statement: VexStatement; time: number; order: number } | null = null;
  const seen = new Set<number>();
  for (const id of finding.ids) {
    for (const entry of index.byId.get(normaliseId(id)) ?? []) {
      if (seen.has(entry.order)) continue;
      seen.add(entry.order);
      if (!statementApplies(entry.statement, packagePurl, imagePurls)) continue;
      const time = entry.statement.timestamp === null ? -Infinity : Date.parse(entry.statement.timestamp);
      if (!best || time > best.time || (time === best.time && entry.order > best.order)) best = { ...entry, time };
    }
  }
  return best && { document: best.document, statement: best.statement };
}

/**
 * Whether one of the statement's products covers the package: the product is the package itself, or the image;
 * a product that lists subcomponents covers only those of its image's packages.
 */
export function statementApplies(statement: VexStatement, packagePurl: ParsedPurl | null, imagePurls: readonly ParsedPurl[]): boolean {
  return statement.products.some((product) => {
    const isImage = product.purls.some((p) => imagePurls.some((image) => purlMatches(p, image)));
    if (product.subcomponents !== null) return isImage && packagePurl !== null && product.subcomponents.some((s) => purlMatches(s, packagePurl));
    return isImage || (packagePurl !== null && product.purls.some((p) => purlMatches(p, packagePurl)));
  });
}

/** Vulnerability ids compare without regard to case (`cve-2023-1234` is `CVE-2023-1234`). */
export function normaliseId(id: string): string {
  return id.trim().toUpperCase();
}

function parseStatement(raw: unknown, position: number, documentTimestamp: string | null, where: string): VexStatement {
  if (!isObject(raw)) throw new SextantError('CORRUPT', `${where}: a statement is a JSON object`);
  const { name, aliases } = parseVulnerability(raw['vulnerability'], where);
  const status = raw['status'];
  if (typeof status !== 'string' || !STATUSES.includes(status as VexStatus)) {
    throw new SextantError('CORRUPT', `${where}: status ${status === undefined ? 'is missing' : `"${String(status)}" is not one`} (use ${STATUSES.join(', ')})`);
  }
  const justification = optionalString(raw['justification'], `${where}: justification`);
  if (justification !== null && !(VEX_JUSTIFICATIONS as readonly string[]).includes(justification)) {
    throw new SextantError('CORRUPT', `${where}: unknown justification "${justification}" (use ${VEX_JUSTIFICATIONS.join(', ')})`);
  }
  const impactStatement = optionalString(raw['impact_statement'], `${where}: impact_statement`);
  if (status === 'not_affected' && justification === null && impactStatement === null) {
    throw new SextantError('CORRUPT', `${where}: a not_affected statement needs a justification or an impact_statement`);
  }
  // OpenVEX before v0.2.0 listed products as strings, and subcomponents beside them in the statement.
  const statementSubcomponents = raw['subcomponents'] === undefined ? null : parseComponents(raw['subcomponents'], `${where}: subcomponents`);
  const products = raw['products'] === undefined ? [] : raw['products'];
  if (!Array.isArray(products)) throw new SextantError('CORRUPT', `${where}: "products" must be a list`);
  return {
    position,
    vulnerability: name,
    aliases,
    products: products.map((p, i) => parseProduct(p, statementSubcomponents, `${where}: product ${i + 1}`)),
    status: status as VexStatus,
    justification,
    impactStatement,
    actionStatement: optionalString(raw['action_statement'], `${where}: action_statement`),
    statusNotes: optionalString(raw['status_notes'], `${where}: status_notes`),
    timestamp: optionalTimestamp(raw['timestamp'], `${where}: timestamp`) ?? documentTimestamp,
  };
}

function parseVulnerability(raw: unknown, where: string): { name: string; aliases: string[] } {
  if (typeof raw === 'string' && raw.trim()) return { name: raw.trim(), aliases: [] };
  if (!isObject(raw)) throw new SextantError('CORRUPT', `${where}: "vulnerability" must be an object with a name (or, in older documents, a string)`);
  const name = raw['name'];
  if (typeof name !== 'string' || !name.trim()) throw new SextantError('CORRUPT', `${where}: the vulnerability has no name`);
  const aliases = raw['aliases'] ?? [];
  if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === 'string')) throw new SextantError('CORRUPT', `${where}: vulnerability aliases must be a list of strings`);
  return { name: name.trim(), aliases: aliases.map((a: string) => a.trim()).filter(Boolean) };
}

function parseProduct(raw: unknown, inherited: ParsedPurl[] | null, where: string): VexProduct {
  const purls = componentPurls(raw, where);
  if (!isObject(raw) || raw['subcomponents'] === undefined) return { purls, subcomponents: inherited };
  return { purls, subcomponents: parseComponents(raw['subcomponents'], `${where}: subcomponents`) ?? inherited };
}

/** Subcomponents' package URLs; null for an empty list (no subcomponents named). */
function parseComponents(raw: unknown, where: string): ParsedPurl[] | null {
  if (!Array.isArray(raw)) throw new SextantError('CORRUPT', `${where} must be a list`);
  if (raw.length === 0) return null;
  return raw.flatMap((c, i) => componentPurls(c, `${where} ${i + 1}`));
}

/** A component's package URLs: its `@id` when that is one, and `identifiers.purl`; a bare string in older documents. */
function componentPurls(raw: unknown, where: string): ParsedPurl[] {
  const texts: string[] = [];
  if (typeof raw === 'string') texts.push(raw);
  else if (isObject(raw)) {
    const id = optionalString(raw['@id'], `${where}: @id`);
    if (id !== null && id.startsWith('pkg:')) texts.push(id);
    const identifiers = raw['identifiers'];
    if (identifiers !== undefined) {
      if (!isObject(identifiers)) throw new SextantError('CORRUPT', `${where}: "identifiers" must be an object`);
      const purl = optionalString(identifiers['purl'], `${where}: identifiers.purl`);
      if (purl !== null) texts.push(purl);
    }
  } else throw new SextantError('CORRUPT', `${where}: a component is an object with an @id or identifiers`);
  return texts.map((text) => {
    const parsed = parsePurl(text);
    if (!parsed) throw new SextantError('CORRUPT', `${where}: "${text}" is not a package URL`);
    return parsed;
  });
}

/** An in-toto statement whose predicate is an OpenVEX document is read as that document. */
function unwrapAttestation(json: Record<string, unknown>): Record<string, unknown> {
  const predicateType = json['predicateType'];
  if (typeof json['_type'] === 'string' && typeof predicateType === 'string' && predicateType.startsWith('https://openvex.dev/ns') && isObject(json['predicate'])) return json['predicate'];
  return json;
}

function isOpenVexContext(context: unknown): boolean {
  const contexts = Array.isArray(context) ? context : [context];
  return contexts.some((c) => typeof c === 'string' && /^https:\/\/openvex\.dev\/ns(\/v[0-9][0-9A-Za-z.-]*)?\/?$/.test(c));
}

function notOpenVex(doc: Record<string, unknown>, source: string): SextantError {
  const what = doc['bomFormat'] === 'CycloneDX' ? 'a CycloneDX document' : isObject(doc['document']) && 'csaf_version' in doc['document'] ? 'a CSAF document' : 'not an OpenVEX document';
  return new SextantError(what.startsWith('not') ? 'CORRUPT' : 'UNSUPPORTED', `${source}: ${what} (--vex reads OpenVEX, whose @context is https://openvex.dev/ns/v0.2.0)`);
}

function optionalString(value: unknown, what: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new SextantError('CORRUPT', `${what} must be a string`);
  return value.trim() || null;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

function optionalTimestamp(value: unknown, what: string): string | null {
  const text = optionalString(value, what);
  if (text !== null && (!RFC3339.test(text) || Number.isNaN(Date.parse(text)))) throw new SextantError('CORRUPT', `${what} "${text}" is not an RFC 3339 date and time`);
  return text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
