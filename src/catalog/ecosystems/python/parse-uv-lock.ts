// uv's uv.lock (TOML): every resolved package with its dependency edges, extras and dependency groups, and the
// project itself (a `virtual` or `editable` source at "."), from which direct and dev are derived.
import { parse as parseToml } from 'smol-toml';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { decodeText, normalizeName, pypiPackage } from './python-package.ts';

interface DepRef {
  name: string;
  version: string | null;
  extras: string[];
}

interface UvPackage {
  key: string;
  name: string;
  version: string | null;
  source: Record<string, unknown>;
  deps: DepRef[];
  optional: Map<string, DepRef[]>;
  dev: Map<string, DepRef[]>;
}

/**
 * Parses a uv.lock. The project (and workspace members) are emitted with metadata.root = true and direct null;
 * what they ask for (dependencies, extras, dependency groups) is direct. Packages reachable from the project's
 * runtime dependencies (extras followed as requested) have dev = false; those reachable only through dependency
 * groups have dev = true.
 */
export function parseUvLock(content: Buffer, ctx: ParseContext): Package[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(decodeText(content)) as Record<string, unknown>;
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not a uv.lock (invalid TOML)`, { cause });
  }
  const packages: UvPackage[] = [];
  for (const e of Array.isArray(doc.package) ? doc.package : []) {
    const p = readEntry(e);
    if (p) packages.push(p);
  }
  const byName = new Map<string, UvPackage[]>();
  for (const p of packages) byName.set(normalizeName(p.name), [...(byName.get(normalizeName(p.name)) ?? []), p]);
  // A name resolved to several versions (forked resolution) is disambiguated by the edge's `version`.
  const resolve = (d: DepRef): UvPackage[] => {
    const all = byName.get(normalizeName(d.name)) ?? [];
    const exact = d.version === null ? [] : all.filter((p) => p.version === d.version);
    return exact.length ? exact : all;
  };

  const members = memberNames(doc);
  const roots = packages.filter((p) => isProject(p, members));
  const rootKeys = new Set(roots.map((p) => p.key));
  const direct = new Set<string>();
  const runtimeStart: DepRef[] = [];
  const devStart: DepRef[] = [];
  for (const r of roots) {
    const runtime = [...r.deps, ...[...r.optional.values()].flat()];
    const groups = [...r.dev.values()].flat();
    runtimeStart.push(...runtime);
    devStart.push(...groups);
    for (const d of [...runtime, ...groups]) for (const p of resolve(d)) direct.add(p.key);
  }
  const runtime = walk(runtimeStart, resolve);
  const withDev = walk([...runtimeStart, ...devStart], resolve);

  const out: Package[] = [];
  for (const p of packages) {
    if (p.version === null) continue; // a dynamic project version is not written to the lock
    const metadata: Record<string, unknown> = {};
    const isRoot = rootKeys.has(p.key);
    if (isRoot) metadata.root = true;
    else if (runtime.has(p.key)) metadata.dev = false;
    else if (withDev.has(p.key)) metadata.dev = true;
    metadata.source = p.source;
    const deps = [...new Set(p.deps.flatMap((d) => resolve(d).map((t) => t.name)))];
    out.push(pypiPackage({ name: p.name, version: p.version, direct: isRoot ? null : direct.has(p.key), dependsOn: deps, metadata }, ctx));
  }
  return out;
}

/** Keys reachable from `start`, following a package's optional dependencies only for the extras asked of it. */
function walk(start: DepRef[], resolve: (d: DepRef) => UvPackage[]): Set<string> {
  const extrasSeen = new Map<string, Set<string>>();
  const stack: { pkg: UvPackage; extras: string[] }[] = start.flatMap((d) => resolve(d).map((pkg) => ({ pkg, extras: d.extras })));
  while (stack.length) {
    const { pkg, extras } = stack.pop() as { pkg: UvPackage; extras: string[] };
    let known = extrasSeen.get(pkg.key);
    const fresh = known ? extras.filter((x) => !known?.has(x)) : extras;
    const firstVisit = !known;
    if (!known) extrasSeen.set(pkg.key, (known = new Set()));
    for (const x of fresh) known.add(x);
    const next = [...(firstVisit ? pkg.deps : []), ...fresh.flatMap((x) => pkg.optional.get(x) ?? [])];
    for (const d of next) for (const t of resolve(d)) stack.push({ pkg: t, extras: d.extras });
  }
  return new Set(extrasSeen.keys());
}

/** Workspace members named in `[manifest] members`. */
function memberNames(doc: Record<string, unknown>): Set<string> {
  const manifest = doc.manifest as { members?: unknown } | undefined;
  const members = Array.isArray(manifest?.members) ? manifest.members : [];
  return new Set(members.filter((m): m is string => typeof m === 'string').map(normalizeName));
}

/** The project: a package built from the lock's own directory, or a declared workspace member. */
function isProject(p: UvPackage, members: Set<string>): boolean {
  const local = p.source.virtual ?? p.source.editable;
  return local === '.' || (local !== undefined && members.has(normalizeName(p.name)));
}

function readEntry(e: unknown): UvPackage | null {
  if (typeof e !== 'object' || e === null) return null;
  const t = e as Record<string, unknown>;
  if (typeof t.name !== 'string' || !t.name) return null;
  const version = typeof t.version === 'string' && t.version ? t.version : null;
  const source = typeof t.source === 'object' && t.source !== null && !Array.isArray(t.source) ? (t.source as Record<string, unknown>) : {};
  return {
    key: `${normalizeName(t.name)}@${version ?? ''}`,
    name: t.name,
    version,
    source,
    deps: refs(t.dependencies),
    optional: groups(t['optional-dependencies']),
    dev: groups(t['dev-dependencies']),
  };
}

function refs(list: unknown): DepRef[] {
  if (!Array.isArray(list)) return [];
  const out: DepRef[] = [];
  for (const d of list) {
    if (typeof d !== 'object' || d === null) continue;
    const r = d as Record<string, unknown>;
    if (typeof r.name !== 'string') continue;
    const extras = Array.isArray(r.extra) ? r.extra.filter((x): x is string => typeof x === 'string') : [];
    out.push({ name: r.name, version: typeof r.version === 'string' ? r.version : null, extras });
  }
  return out;
}

function groups(table: unknown): Map<string, DepRef[]> {
  const out = new Map<string, DepRef[]>();
  if (typeof table === 'object' && table !== null && !Array.isArray(table)) {
    for (const [k, v] of Object.entries(table)) out.set(k, refs(v));
  }
  return out;
}
