// Parser for dpkg's package database: `/var/lib/dpkg/status`, distroless `status.d/*` files, and opkg's `status`.
import type { OsRelease } from '../../../core/model.ts';
import type { Package } from '../../../core/package.ts';
import { SextantError } from '../../../core/errors.ts';
import type { ParseContext } from '../../cataloger.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';
import { field, parseDeb822 } from './deb822.ts';

/** One alternative in a relation field: `name[:arch] [(op version)]`. */
export interface Relation {
  name: string;
  /** The version constraint as written (`>= 2.14`), or null. */
  constraint: string | null;
}

// Package states (the third word of Status) whose files are gone: only configuration files or nothing remain.
const ABSENT_STATES = new Set(['not-installed', 'config-files']);

/**
 * Parse a dpkg status database (or one distroless `status.d` file, or opkg's `status`) into packages.
 * A paragraph counts when its package's files are on disk: no `Status` field (distroless writes none), or a
 * state other than `not-installed` and `config-files` (so `deinstall ok config-files` leftovers are skipped,
 * while `install user installed` from opkg and `triggers-pending` are kept). Paragraphs without a package name
 * or version are skipped, as dpkg itself cannot have installed them.
 * `dependsOn` lists every name in `Depends` and `Pre-Depends` as written; `resolveDpkgDependencies` narrows it to
 * installed packages once the whole database is known. Throws CORRUPT only when the file is binary garbage.
 */
export function parseDpkgStatus(content: Buffer, ctx: ParseContext): Package[] {
  if (content.includes(0)) throw new SextantError('CORRUPT', `${ctx.location.path} is not a dpkg status database (binary content)`);
  const out: Package[] = [];
  for (const p of parseDeb822(content.toString('utf8'))) {
    const name = field(p, 'package');
    const version = field(p, 'version');
    if (!name || !version || /\s/.test(name)) continue;
    const status = field(p, 'status');
    const state = status?.split(/\s+/).at(-1);
    if (state !== undefined && ABSENT_STATES.has(state)) continue;

    const arch = field(p, 'architecture');
    const source = parseSource(field(p, 'source'), name, version);
    const installedSize = field(p, 'installed-size');
    const depends = field(p, 'depends');
    const preDepends = field(p, 'pre-depends');
    const names = [...parseRelations(preDepends), ...parseRelations(depends)].flat().map((r) => r.name);
    const maintainer = field(p, 'maintainer');
    const namespace = distroNamespace(ctx.distro);
    out.push({
      type: 'deb',
      namespace,
      name,
      version,
      purl: makePurl({ type: 'deb', namespace, name, version, qualifiers: { arch, distro: distroQualifier(ctx.distro) } }),
      authors: maintainer ? [maintainer] : [],
      description: field(p, 'description')?.split('\n')[0]?.trim() || null,
      // dpkg records no licence; opkg's status has a License field. Copyright files are read by the cataloger.
      licenses: normalizeLicenses(licenseList(field(p, 'license'))),
      size: installedSizeBytes(installedSize),
      locations: [ctx.location],
      direct: null,
      dependsOn: [...new Set(names)],
      source,
      arch,
      foundBy: ctx.foundBy,
      metadata: compact({
        status,
        installedSize,
        section: field(p, 'section'),
        priority: field(p, 'priority'),
        essential: field(p, 'essential') === 'yes' ? true : undefined,
        multiArch: field(p, 'multi-arch'),
        epoch: epochOf(version),
        depends,
        preDepends,
        provides: parseRelations(field(p, 'provides')).flat().map((r) => r.name),
        homepage: field(p, 'homepage'),
      }),
    });
  }
  return out;
}

/**
 * Parse a relation field (`a (>= 1) | b:any, c`) into groups of alternatives. Architecture qualifiers (`:any`,
 * `:amd64`) are dropped from names; architecture lists and build profiles (`[...]`, `<...>`) are ignored.
 */
export function parseRelations(text: string | null): Relation[][] {
  if (!text) return [];
  const groups: Relation[][] = [];
  for (const group of text.split(',')) {
    const alts: Relation[] = [];
    for (const alt of group.split('|')) {
      const m = /^\s*([^\s(:[<]+)(?::\S+)?\s*(?:\(\s*([^)]*?)\s*\))?/.exec(alt.replace(/\[[^\]]*\]|<(?=[!A-Za-z])[^>]*>/g, ' '));
      if (m?.[1]) alts.push({ name: m[1], constraint: m[2] || null });
    }
    if (alts.length) groups.push(alts);
  }
  return groups;
}

/**
 * Narrow every package's `dependsOn` to the installed packages that satisfy its `Pre-Depends` and `Depends`:
 * for each group of alternatives the first one that is installed by name, or else provided by an installed
 * package (a virtual package such as `debconf-2.0`). Groups nothing installed satisfies are dropped from the
 * edges; the fields stay as written in `metadata`. Works across files, so distroless `status.d` entries resolve.
 */
export function resolveDpkgDependencies(packages: Package[]): void {
  const installed = new Set(packages.map((p) => p.name));
  const providers = new Map<string, string[]>();
  for (const p of packages) {
    const provides = p.metadata['provides'];
    if (!Array.isArray(provides)) continue;
    for (const v of provides) if (typeof v === 'string') providers.set(v, [...(providers.get(v) ?? []), p.name]);
  }
  for (const p of packages) {
    const groups = [...parseRelations(str(p.metadata['preDepends'])), ...parseRelations(str(p.metadata['depends']))];
    const resolved = new Set<string>();
    for (const alts of groups) {
      for (const alt of alts) {
        const target = installed.has(alt.name) ? alt.name : providers.get(alt.name)?.[0];
        if (target !== undefined) {
          if (target !== p.name) resolved.add(target);
          break;
        }
      }
    }
    p.dependsOn = [...resolved];
  }
}

/** The purl namespace for OS packages: the distro's ID (`debian`, `ubuntu`), `debian` when unknown. */
export function distroNamespace(distro: OsRelease | null): string {
  return distro?.id?.toLowerCase() ?? 'debian';
}

/** The `distro` purl qualifier, `<id>-<versionId>` (the codename when there is no VERSION_ID, as on testing). */
export function distroQualifier(distro: OsRelease | null): string | null {
  if (!distro?.id) return null;
  const v = distro.versionId ?? distro.versionCodename;
  return v ? `${distro.id.toLowerCase()}-${v}` : distro.id.toLowerCase();
}

// `Source: name` or `Source: name (version)`; without it the source is the binary package itself.
function parseSource(text: string | null, name: string, version: string): { name: string; version: string } {
  const m = text ? /^(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?/.exec(text) : null;
  return { name: m?.[1] ?? name, version: m?.[2] ?? version };
}

/**
 * Bytes from `Installed-Size`, which dpkg writes as a whole number of KiB. Some hand-written distroless entries
 * carry a unit (`4KB`); those are read with the unit they name. Null when absent or unreadable.
 */
export function installedSizeBytes(text: string | null): number | null {
  const m = text ? /^(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?$/i.exec(text) : null;
  if (!m?.[1]) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (unit === '') return Math.round(n * 1024);
  const power = { b: 0, k: 1, m: 2, g: 3 }[unit[0] as 'b' | 'k' | 'm' | 'g'];
  return Math.round(n * (unit.includes('i') ? 1024 : 1000) ** power);
}

function epochOf(version: string): number | undefined {
  const m = /^(\d+):/.exec(version);
  return m ? Number(m[1]) : undefined;
}

// opkg writes several licences separated by spaces or commas, not an SPDX expression.
function licenseList(text: string | null): string[] {
  if (!text) return [];
  if (/\s(AND|OR|WITH)\s/.test(text)) return [text];
  return text.split(/[\s,]+/).filter((s) => s !== '');
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)));
}
