// Parser for apk's installed database (`/lib/apk/db/installed`): Alpine, Wolfi and other apk-based distros.
import type { OsRelease } from '../../../core/model.ts';
import type { Package } from '../../../core/package.ts';
import { SextantError } from '../../../core/errors.ts';
import type { ParseContext } from '../../cataloger.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';

/** One package block as read: single-valued fields, plus the owned files rebuilt from `F:`/`R:` lines. */
interface Entry {
  fields: Map<string, string>;
  files: string[];
}

/**
 * Parse apk's installed database. Packages are blocks of `K:value` lines separated by blank lines; owned files
 * are `R:` names under the latest `F:` directory. Blocks without a name or version are skipped.
 * `dependsOn` is resolved within the database, which holds every installed package: each `D:` token
 * (`so:libc.musl-x86_64.so.1`, `cmd:sh`, `zlib>=1.2`) becomes the installed package of that name or the one that
 * provides it (`p:`); conflicts (`!name`) and tokens nothing installed satisfies are left out of the edges and
 * kept, as written, in `metadata.depends`. Throws CORRUPT only when the file is binary garbage.
 */
export function parseApkInstalled(content: Buffer, ctx: ParseContext): Package[] {
  if (content.includes(0)) throw new SextantError('CORRUPT', `${ctx.location.path} is not an apk database (binary content)`);
  const entries = readEntries(content.toString('utf8')).filter((e) => e.fields.get('P') && e.fields.get('V'));

  const names = new Set(entries.map((e) => e.fields.get('P') as string));
  const providers = new Map<string, string>();
  for (const e of entries) {
    for (const token of words(e.fields.get('p'))) {
      const provided = baseName(token);
      // The first provider wins, as in apk's own resolution without a provider priority.
      if (!providers.has(provided)) providers.set(provided, e.fields.get('P') as string);
    }
  }

  const namespace = distroNamespace(ctx.distro);
  return entries.map((e): Package => {
    const get = (k: string): string | null => e.fields.get(k)?.trim() || null;
    const name = get('P') as string;
    const version = get('V') as string;
    const arch = get('A');
    const depends = words(get('D'));
    const dependsOn = new Set<string>();
    for (const token of depends) {
      if (token.startsWith('!')) continue;
      const dep = baseName(token);
      const target = names.has(dep) ? dep : providers.get(dep);
      if (target !== undefined && target !== name) dependsOn.add(target);
    }
    const maintainer = get('m');
    const installed = Number(get('I'));
    const origin = get('o');
    return {
      type: 'apk',
      namespace,
      name,
      version,
      purl: makePurl({ type: 'apk', namespace, name, version, qualifiers: { arch, distro: distroQualifier(ctx.distro) } }),
      authors: maintainer ? [maintainer] : [],
      description: get('T'),
      licenses: normalizeLicenses(licenseList(get('L'))),
      size: get('I') !== null && Number.isSafeInteger(installed) && installed >= 0 ? installed : null,
      locations: [ctx.location],
      direct: null,
      dependsOn: [...dependsOn],
      // The origin is the aport the package was built from; all its subpackages share its version.
      source: { name: origin ?? name, version },
      arch,
      foundBy: ctx.foundBy,
      metadata: compact({
        license: get('L'),
        url: get('U'),
        commit: get('c'),
        checksum: get('C'),
        buildTime: get('t') !== null && /^\d+$/.test(get('t') as string) ? Number(get('t')) : undefined,
        downloadSize: get('S') !== null && /^\d+$/.test(get('S') as string) ? Number(get('S')) : undefined,
        depends,
        provides: words(get('p')),
        replaces: words(get('r')),
        installIf: words(get('i')),
        files: e.files,
      }),
    };
  });
}

/** The purl namespace for apk packages: the distro's ID (`alpine`, `wolfi`), `alpine` when unknown. */
export function distroNamespace(distro: OsRelease | null): string {
  return distro?.id?.toLowerCase() ?? 'alpine';
}

/** The `distro` purl qualifier, `<id>-<versionId>` (e.g. `alpine-3.20.3`). */
export function distroQualifier(distro: OsRelease | null): string | null {
  if (!distro?.id) return null;
  const v = distro.versionId ?? distro.versionCodename;
  return v ? `${distro.id.toLowerCase()}-${v}` : distro.id.toLowerCase();
}

function readEntries(text: string): Entry[] {
  const out: Entry[] = [];
  let cur: Entry = { fields: new Map(), files: [] };
  let dir = '';
  const flush = (): void => {
    if (cur.fields.size > 0) out.push(cur);
    cur = { fields: new Map(), files: [] };
    dir = '';
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line[1] !== ':') continue; // not a `K:value` line: skip it rather than lose the database
    const key = line[0] as string;
    const value = line.slice(2);
    if (key === 'F') {
      dir = value.replace(/^\/+|\/+$/g, '');
      cur.files.push(`/${dir}`);
    } else if (key === 'R') {
      cur.files.push(dir ? `/${dir}/${value}` : `/${value}`);
    } else if (!cur.fields.has(key)) {
      // Per-file attributes (a, Z, M) repeat; package fields appear once, before the file list.
      cur.fields.set(key, value);
    }
  }
  flush();
  return out;
}

// A dependency or provides token without its version constraint: `so:libc.musl-x86_64.so.1=1` → `so:libc…so.1`.
function baseName(token: string): string {
  return token.replace(/^!/, '').split(/[<>=~]/)[0] as string;
}

function words(text: string | null | undefined): string[] {
  return text ? text.split(/\s+/).filter((w) => w !== '') : [];
}

// `L:` holds either an SPDX expression (newer aports) or licences separated by spaces (`MIT BSD GPL2+`).
function licenseList(text: string | null): string[] {
  if (!text) return [];
  if (/\s(AND|OR|WITH)\s/i.test(text)) {
    return [text.replace(/\s(and|or|with)\s/g, (m) => m.toUpperCase()).replace(/\(\s+/g, '(').replace(/\s+\)/g, ')')];
  }
  // Lower-case ids (`openssl`, `zlib`) are matched by normalizeLicenses, as SPDX ids match case-insensitively.
  return words(text).map((w) => UNVERSIONED[w.toLowerCase()] ?? w);
}

// A GPL named without a version lets the recipient choose any version (GPL §9 / LGPL §13): that is what
// `-or-later` of the first version says. Left to the generic normaliser, `GPL` would become the latest version.
const UNVERSIONED: Record<string, string> = { gpl: 'GPL-1.0-or-later', lgpl: 'LGPL-2.0-or-later', agpl: 'AGPL-3.0-or-later' };

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)));
}
