// Installed Python packages: core metadata (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, single-file
// `*.egg-info`) with the files beside it: RECORD (owned files and size), INSTALLER, direct_url.json, requires.txt.
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { needsExtra, parseRequirement } from './pep508.ts';
import { pythonLicense } from './python-licenses.ts';
import { decodeText, dirname, joinPath, normalizeName, pypiPackage } from './python-package.ts';

/** Core metadata headers by lowercased name; a header may repeat (Classifier, Requires-Dist). */
export type MetadataHeaders = Map<string, string[]>;

/**
 * Parses the RFC 822-style header block of a core metadata file. Continuation lines (leading whitespace) extend
 * the previous header; the block ends at the first empty line, where the long description begins.
 */
export function parseHeaders(text: string): {
  headers: MetadataHeaders;
  body: string;
} {
  const headers: MetadataHeaders = new Map();
  const lines = text.split(/\r?\n/);
  let last: { key: string; index: number } | null = null;
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      // setuptools' older PKG-INFO writes a Description header whose text may end in a truly empty line, with
      // more headers (Platform, Classifier…) after it. Only then does the header block go on past a blank line.
      if (last?.key === 'description' && continuesHeaders(lines, i + 1)) continue;
      break;
    }
    if (/^[ \t]/.test(line)) {
      if (last) {
        const values = headers.get(last.key) as string[];
        values[last.index] += `\n${line.replace(/^ {1,8}\|?|^\t/, '')}`;
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header: skipped rather than failing the package
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = headers.get(key) ?? [];
    values.push(value);
    headers.set(key, values);
    last = { key, index: values.length - 1 };
  }
  return { headers, body: lines.slice(i + 1).join('\n') };
}

/** Header names of core metadata, for telling a header after a blank line from description text. */
const CORE_HEADERS = new Set([
  'metadata-version',
  'name',
  'version',
  'dynamic',
  'platform',
  'supported-platform',
  'summary',
  'description',
  'description-content-type',
  'keywords',
  'home-page',
  'download-url',
  'author',
  'author-email',
  'maintainer',
  'maintainer-email',
  'license',
  'license-expression',
  'license-file',
  'classifier',
  'requires-dist',
  'requires-python',
  'requires-external',
  'project-url',
  'provides-extra',
  'provides-dist',
  'obsoletes-dist',
  'requires',
  'provides',
  'obsoletes',
]);

/** True when the first non-empty line from `from` on is an indented Description line or a core metadata header. */
function continuesHeaders(lines: readonly string[], from: number): boolean {
  for (let j = from; j < lines.length; j++) {
    const line = lines[j] as string;
    if (line.trim() === '') continue;
    if (/^[ \t]/.test(line)) return true;
    const colon = line.indexOf(':');
    return colon > 0 && CORE_HEADERS.has(line.slice(0, colon).trim().toLowerCase());
  }
  return false;
}

/** Parses one installed package's metadata file and the files beside it. */
export async function parseMetadata(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  const { headers } = parseHeaders(decodeText(content));
  const first = (k: string): string | null => {
    const v = headers.get(k)?.[0]?.trim();
    return v && v !== 'UNKNOWN' ? v : null;
  };
  const all = (k: string): string[] => headers.get(k) ?? [];

  const path = ctx.location.path;
  const format = /\.dist-info\/METADATA$/.test(path) ? 'wheel' : 'egg';
  // The directory name (`name-version.dist-info`) stands in when a header is missing.
  const fromDir = /\/([^/]+?)-([^-/]+?)(?:-py\d[^/]*)?\.(?:dist-info|egg-info|egg)(?:\/|$)/.exec(path);
  const name = first('name') ?? fromDir?.[1] ?? null;
  const version = first('version') ?? fromDir?.[2] ?? null;
  if (!name || !version) return [];

  // A single-file egg-info has no directory of siblings; an EGG-INFO or egg-info directory does.
  const dir = /\.egg-info$/.test(path) ? null : dirname(path);

  const dependsOn: string[] = [];
  const addDep = (req: string): void => {
    const parsed = parseRequirement(req);
    // Dependencies behind an extra are installed only when someone asked for that extra.
    if (parsed && !needsExtra(parsed.marker) && !dependsOn.some((d) => normalizeName(d) === normalizeName(parsed.name))) dependsOn.push(parsed.name);
  };
  for (const req of all('requires-dist')) addDep(req);
  if (dir && format === 'egg') for (const req of unconditionalRequires(await readText(ctx, joinPath(dir, 'requires.txt')))) addDep(req);

  const metadata: Record<string, unknown> = { format };
  const metadataVersion = first('metadata-version');
  if (metadataVersion) metadata.metadataVersion = metadataVersion;
  const homepage = first('home-page');
  if (homepage) metadata.homepage = homepage;
  const projectUrls = all('project-url');
  if (projectUrls.length) metadata.projectUrls = projectUrls;
  const requiresPython = first('requires-python');
  if (requiresPython) metadata.requiresPython = requiresPython;
  const licenseFiles = all('license-file');
  if (licenseFiles.length) metadata.licenseFiles = licenseFiles;
  const authors = people(first('author'), first('author-email'));
  const maintainers = people(first('maintainer'), first('maintainer-email'));
  if (maintainers.length) metadata.maintainers = maintainers;

  let size: number | null = null;
  if (dir && format === 'wheel') {
    const record = await readText(ctx, joinPath(dir, 'RECORD'));
    if (record !== undefined) {
      const files = parseRecord(record);
      metadata.files = files.count;
      size = files.size;
    }
    const installer = (await readText(ctx, joinPath(dir, 'INSTALLER')))?.trim();
    if (installer) metadata.installer = installer;
    const directUrl = parseDirectUrl(await readText(ctx, joinPath(dir, 'direct_url.json')));
    if (directUrl) metadata.directUrl = directUrl;
  }

  return [
    pypiPackage(
      {
        name,
        version,
        // The model keeps authors, or the maintainers when no author is named.
        authors: authors.length ? authors : maintainers,
        description: first('summary'),
        licenses: pythonLicense({
          expression: first('license-expression'),
          license: first('license'),
          classifiers: all('classifier'),
        }),
        size,
        dependsOn,
        metadata,
      },
      ctx,
    ),
  ];
}

async function readText(ctx: ParseContext, path: string): Promise<string | undefined> {
  const buf = await ctx.readFile(path);
  return buf === undefined ? undefined : decodeText(buf);
}

/**
 * People from a name field and an email field. The email field may hold several `Name <email>` entries
 * (core metadata 2.1+ writes all authors there); a lone address is paired with the name field.
 */
export function people(names: string | null, emails: string | null): string[] {
  const entries = emails ? splitAddresses(emails) : [];
  if (entries.length === 0) return names ? [names] : [];
  if (entries.length === 1 && names && !entries[0]?.includes('<')) return [`${names} <${entries[0]}>`];
  return names && !entries.some((e) => e.startsWith(names)) ? [names, ...entries] : entries;
}

/** Splits `A <a@x>, "B, Jr." <b@y>` at commas outside quotes and angle brackets. */
function splitAddresses(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<') angle = true;
    else if (ch === '>') angle = false;
    if (ch === ',' && !quoted && !angle) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Files listed in a RECORD (CSV: path, hash, size) and the sum of their sizes; rows without a size count as 0. */
export function parseRecord(text: string): { count: number; size: number } {
  let count = 0;
  let size = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const fields = csvFields(line);
    if (!fields[0]) continue;
    count++;
    const n = Number(fields[2]);
    if (fields[2] && Number.isSafeInteger(n) && n >= 0) size += n;
  }
  return { count, size };
}

/** One CSV row; quoted fields may hold commas (paths can). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** PEP 610 direct_url.json: where a package was installed from when not from an index (VCS, local dir, URL). */
function parseDirectUrl(text: string | undefined): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const d = JSON.parse(text) as {
      url?: unknown;
      dir_info?: { editable?: unknown };
      vcs_info?: { vcs?: unknown; commit_id?: unknown };
    };
    if (typeof d.url !== 'string') return null;
    const out: Record<string, unknown> = { url: d.url };
    if (d.dir_info?.editable === true) out.editable = true;
    if (typeof d.vcs_info?.vcs === 'string') out.vcs = d.vcs_info.vcs;
    if (typeof d.vcs_info?.commit_id === 'string') out.commit = d.vcs_info.commit_id;
    return out;
  } catch {
    return null;
  }
}

/**
 * Requirements from an egg-info `requires.txt` that apply without extras: the lines before any section, and
 * `[:marker]` sections (conditional on the platform only). `[extra]` and `[extra:marker]` sections are skipped.
 */
export function unconditionalRequires(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  let active = true;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      active = (section[1] ?? '').startsWith(':');
      continue;
    }
    if (active) out.push(line);
  }
  return out;
}
