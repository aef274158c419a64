// Shared pieces of the JavaScript parsers: building an npm Package, reading manifest fields, root manifests and
// the dev-only marking of a lockfile's dependency graph.
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { NOASSERTION, normalizeLicenses } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

/** What the parsers know about one JavaScript package before it becomes a Package. */
export interface NpmPackageFields {
  name: string;
  version: string;
  authors?: string[];
  description?: string | null;
  licenses?: string;
  direct?: boolean | null;
  dependsOn?: string[];
  metadata?: Record<string, unknown>;
}

/** An npm Package: the scope becomes the purl namespace (`pkg:npm/%40babel/core@7.0.0`). */
export function npmPackage(fields: NpmPackageFields, ctx: ParseContext): Package {
  const { scope, bare } = splitName(fields.name);
  return buildPackage(
    {
      type: 'npm',
      namespace: scope,
      name: bare,
      version: fields.version,
      purl: makePurl({ type: 'npm', namespace: scope, name: bare, version: fields.version }),
      authors: fields.authors ?? [],
      description: fields.description ?? null,
      licenses: fields.licenses ?? NOASSERTION,
      direct: fields.direct ?? null,
      dependsOn: [...new Set(fields.dependsOn ?? [])],
      metadata: fields.metadata ?? {},
    },
    ctx,
  );
}

/** The name npm knows a package by: `@scope/name` for scoped packages (the purl splits it into namespace and name). */
export function npmName(p: Package): string {
  return p.namespace ? `${p.namespace}/${p.name}` : p.name;
}

/** `@scope/name` → scope `@scope` and bare name `name`; an unscoped name has a null scope. */
export function splitName(name: string): { scope: string | null; bare: string } {
  if (name.startsWith('@')) {
    const slash = name.indexOf('/');
    if (slash > 1) return { scope: name.slice(0, slash), bare: name.slice(slash + 1) };
  }
  return { scope: null, bare: name };
}

/**
 * Splits `name@range` (a lockfile key or a package spec) at the `@` that ends the name, so `@scope/x@^1` gives
 * `@scope/x` and `^1`. Without a range, the range is ''.
 */
export function splitSpec(spec: string): { name: string; range: string } {
  const at = spec.indexOf('@', 1);
  if (at < 0) return { name: spec, range: '' };
  return { name: spec.slice(0, at), range: spec.slice(at + 1) };
}

/** The licence of a manifest or lockfile entry: `license` (string, `{type}`, or an array) or legacy `licenses`. */
export function manifestLicenses(entry: Record<string, unknown>): string {
  const declared = entry['license'] ?? entry['licenses'];
  if (Array.isArray(declared)) {
    // A list of licences in npm's legacy form offers a choice (dual licensing), so the expression is an OR.
    const each = declared.map((d) => normalizeLicenses([licenseText(d)])).filter((l) => l !== NOASSERTION);
    if (each.length === 0) return NOASSERTION;
    const unique = [...new Set(each)];
    return unique.length === 1 ? (unique[0] as string) : unique.map((l) => (/\s/.test(l) ? `(${l})` : l)).join(' OR ');
  }
  return normalizeLicenses([licenseText(declared)]);
}

function licenseText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string') return (value as { type: string }).type;
  return undefined;
}

/** A person field (`author`, an entry of `contributors`/`maintainers`) as `Name <email>`. */
export function personText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object') {
    const { name, email } = value as { name?: unknown; email?: unknown };
    const n = typeof name === 'string' ? name.trim() : '';
    const e = typeof email === 'string' ? email.trim() : '';
    if (n && e) return `${n} <${e}>`;
    return n || (e ? `<${e}>` : undefined);
  }
  return undefined;
}

/** The keys of an object-valued manifest field such as `dependencies`; [] when absent or malformed. */
export function depNames(value: unknown): string[] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
}

/** A string-to-string map field (`dependencies: {a: "^1"}`), with non-string values dropped. */
export function depMap(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out.set(k, v);
  }
  return out;
}

/** A value as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The direct dependencies an application's root manifest declares, by kind. */
export interface RootManifest {
  prod: Map<string, string>;
  dev: Map<string, string>;
  optional: Map<string, string>;
  peer: Map<string, string>;
}

/** Reads the root manifest fields of a parsed package.json (or a lockfile's root entry). */
export function rootManifestOf(json: Record<string, unknown>): RootManifest {
  return {
    prod: depMap(json['dependencies']),
    dev: depMap(json['devDependencies']),
    optional: depMap(json['optionalDependencies']),
    peer: depMap(json['peerDependencies']),
  };
}

/** Every name a root manifest declares, of any kind. */
export function rootNames(root: RootManifest): Set<string> {
  return new Set([...root.prod.keys(), ...root.dev.keys(), ...root.optional.keys(), ...root.peer.keys()]);
}

/** Parses JSON, returning undefined instead of throwing. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The package.json beside `lockPath` (or at `manifestPath`), read through the context; undefined when absent or unreadable. */
export async function readRootManifest(ctx: ParseContext, manifestPath: string): Promise<RootManifest | undefined> {
  const bytes = await ctx.readFile(manifestPath).catch(() => undefined);
  if (bytes === undefined) return undefined;
  const json = asRecord(tryJson(bytes.toString('utf8')));
  return json ? rootManifestOf(json) : undefined;
}

/** `/app/package-lock.json` → `/app/package.json`. */
export function siblingManifest(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}package.json`;
}

/**
 * The nodes reachable only through development dependencies: reachable from `devRoots` but not from `prodRoots`
 * (which include optional and peer roots). This is npm's and pnpm's own meaning of "dev".
 */
export function devOnly<K>(edges: ReadonlyMap<K, readonly K[]>, prodRoots: Iterable<K>, devRoots: Iterable<K>): Set<K> {
  const prod = reach(edges, prodRoots);
  const dev = reach(edges, devRoots);
  for (const k of prod) dev.delete(k);
  return dev;
}

function reach<K>(edges: ReadonlyMap<K, readonly K[]>, roots: Iterable<K>): Set<K> {
  const seen = new Set<K>();
  const stack = [...roots];
  while (stack.length > 0) {
    const k = stack.pop() as K;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const next of edges.get(k) ?? []) if (!seen.has(next)) stack.push(next);
  }
  return seen;
}

/**
 * Folds the copies of one package that npm installs at several nested paths of one application into one package
 * with every location: direct if any copy is, dev only if every copy is. `group` keeps applications apart.
 */
export function mergeCopies(pkgs: readonly Package[], group: (p: Package) => string): Package[] {
  const byKey = new Map<string, Package>();
  for (const p of pkgs) {
    const key = `${group(p)}\0${p.purl}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...p, locations: [...p.locations], metadata: { ...p.metadata } });
      continue;
    }
    seen.locations.push(...p.locations);
    if (p.direct === true) seen.direct = true;
    if (seen.metadata['dev'] === true && p.metadata['dev'] !== true) delete seen.metadata['dev'];
    if (seen.licenses === NOASSERTION) seen.licenses = p.licenses;
    seen.dependsOn = [...new Set([...seen.dependsOn, ...p.dependsOn])];
  }
  return [...byKey.values()];
}

/**
 * An installed top-level devDependency that a production package of the same application also needs is not
 * dev-only (npm installs one copy for both). Installed trees record no graph, so this matches by name.
 */
export function settleDev(pkgs: Package[], group: (p: Package) => string): Package[] {
  const needed = new Set<string>();
  for (const p of pkgs) if (p.metadata['dev'] !== true) for (const d of p.dependsOn) needed.add(`${group(p)}\0${d}`);
  for (const p of pkgs) if (p.metadata['dev'] === true && needed.has(`${group(p)}\0${npmName(p)}`)) delete p.metadata['dev'];
  return pkgs;
}
