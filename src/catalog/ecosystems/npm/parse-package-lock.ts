// Parser for npm's package-lock.json (and npm-shrinkwrap.json): lockfile v1 (`dependencies` tree) and v2/v3
// (`packages` map keyed by install path, with workspaces and links).
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { NOASSERTION } from '../../licenses.ts';
import {
  asRecord,
  depNames,
  manifestLicenses,
  npmPackage,
  readRootManifest,
  rootManifestOf,
  rootNames,
  siblingManifest,
  splitSpec,
  tryJson,
} from './npm-package.ts';
import type { NpmPackageFields, RootManifest } from './npm-package.ts';

/**
 * Parses a package-lock.json. `root` is the package.json beside it (undefined when absent); v2/v3 lockfiles carry
 * their own root entry, so `direct` is known for them either way, while a v1 lockfile without a package.json leaves
 * it null. Each name@version appears once: direct if any copy is, dev only if every copy is.
 */
export function parsePackageLockWith(content: Buffer, ctx: ParseContext, root: RootManifest | undefined): Package[] {
  const json = asRecord(tryJson(content.toString('utf8')));
  if (!json) throw new SextantError('CORRUPT', `${ctx.location.path}: not a JSON object`);
  const packages = asRecord(json['packages']);
  const found = packages ? fromPackagesMap(packages, root) : fromDependencyTree(asRecord(json['dependencies']) ?? {}, root);
  const project = projectOf(json, packages, root);
  return [...(project ? [npmPackage(project, ctx)] : []), ...merge(found).map((f) => npmPackage(f, ctx))];
}

/**
 * The project the lockfile belongs to, as the other ecosystems report their application (`metadata.root`): named
 * and versioned by the lockfile's root entry (v2/v3) or top level (v1). Neither direct nor transitive: it is the
 * root. None when the lockfile does not name a version (an unversioned app is no package to match advisories on).
 */
function projectOf(json: Record<string, unknown>, packages: Record<string, unknown> | undefined, manifest: RootManifest | undefined): NpmPackageFields | undefined {
  const entry = asRecord(packages?.['']) ?? json;
  const name = typeof entry['name'] === 'string' ? entry['name'] : typeof json['name'] === 'string' ? json['name'] : '';
  const version = typeof entry['version'] === 'string' ? entry['version'] : typeof json['version'] === 'string' ? json['version'] : '';
  if (!name || !version) return undefined;
  const declared = packages ? rootNames(rootManifestOf(entry)) : new Set<string>();
  if (manifest) for (const n of rootNames(manifest)) declared.add(n);
  return { name, version, licenses: manifestLicenses(entry), direct: null, dependsOn: [...declared].sort(), metadata: { root: true } };
}

/** The Parser form: reads the package.json beside the lockfile through the context. */
export async function parsePackageLock(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  return parsePackageLockWith(content, ctx, await readRootManifest(ctx, siblingManifest(ctx.location.path)));
}

/** v2/v3: `packages` keyed by install path; "" is the root project, links point at workspace folders. */
function fromPackagesMap(packages: Record<string, unknown>, manifest: RootManifest | undefined): NpmPackageFields[] {
  const rootEntry = asRecord(packages['']) ?? {};
  const direct = rootNames(rootManifestOf(rootEntry));
  if (manifest) for (const n of rootNames(manifest)) direct.add(n);
  const out: NpmPackageFields[] = [];
  for (const [key, raw] of Object.entries(packages)) {
    const entry = asRecord(raw);
    if (!entry || key === '') continue;
    const at = key.lastIndexOf('node_modules/');
    // Workspace folders ("packages/a") are reported through the link that installs them, under the link's name.
    if (at < 0) continue;
    const installName = key.slice(at + 'node_modules/'.length);
    const topLevel = key === `node_modules/${installName}`;
    if (entry['link'] === true) {
      const resolved = typeof entry['resolved'] === 'string' ? entry['resolved'] : '';
      const target = resolved ? asRecord(packages[resolved]) : undefined;
      // A link whose target the lockfile does not hold is broken: nothing is installed there.
      if (!target) continue;
      out.push({
        name: installName,
        version: typeof target['version'] === 'string' ? target['version'] : '',
        licenses: manifestLicenses(target),
        // A top-level link is the project's own workspace or a local dependency the root declared.
        direct: topLevel,
        dependsOn: entryDeps(target),
        metadata: { link: true, resolved, ...(target['dev'] === true ? { dev: true } : {}) },
      });
      continue;
    }
    const version = entry['version'];
    if (typeof version !== 'string' || !version) continue;
    // An alias ("foo": "npm:bar@1") is installed as foo but its entry names the real package.
    const name = typeof entry['name'] === 'string' && entry['name'] ? entry['name'] : installName;
    const metadata: Record<string, unknown> = {};
    for (const flag of ['dev', 'optional', 'devOptional', 'peer', 'inBundle'] as const) if (entry[flag] === true) metadata[flag] = true;
    if (typeof entry['resolved'] === 'string') metadata['resolved'] = entry['resolved'];
    if (typeof entry['integrity'] === 'string') metadata['integrity'] = entry['integrity'];
    if (name !== installName) metadata['alias'] = installName;
    out.push({
      name,
      version,
      licenses: manifestLicenses(entry),
      direct: topLevel && direct.has(installName),
      dependsOn: entryDeps(entry),
      metadata,
    });
  }
  return out;
}

/** v1: a tree of `dependencies`, each with `version`, `requires` and its own nested `dependencies`. */
function fromDependencyTree(tree: Record<string, unknown>, manifest: RootManifest | undefined): NpmPackageFields[] {
  const direct = manifest ? rootNames(manifest) : undefined;
  const out: NpmPackageFields[] = [];
  const walk = (deps: Record<string, unknown>, depth: number): void => {
    for (const [installName, raw] of Object.entries(deps)) {
      const entry = asRecord(raw);
      if (!entry) continue;
      let version = entry['version'];
      if (typeof version !== 'string' || !version) continue;
      let name = installName;
      // v1 writes an alias's version as "npm:<real name>@<version>".
      if (version.startsWith('npm:')) {
        const spec = splitSpec(version.slice(4));
        name = spec.name;
        version = spec.range;
      }
      const metadata: Record<string, unknown> = {};
      for (const flag of ['dev', 'optional', 'bundled'] as const) if (entry[flag] === true) metadata[flag] = true;
      if (typeof entry['resolved'] === 'string') metadata['resolved'] = entry['resolved'];
      if (typeof entry['integrity'] === 'string') metadata['integrity'] = entry['integrity'];
      if (name !== installName) metadata['alias'] = installName;
      out.push({
        name,
        version: version as string,
        direct: direct ? depth === 0 && direct.has(installName) : null,
        dependsOn: depNames(entry['requires']),
        metadata,
      });
      const nested = asRecord(entry['dependencies']);
      if (nested) walk(nested, depth + 1);
    }
  };
  walk(tree, 0);
  return out;
}

/** Names an entry depends on: dependencies, optional ones, and peers it does not mark optional. */
function entryDeps(entry: Record<string, unknown>): string[] {
  const optionalPeers = new Set(
    Object.entries(asRecord(entry['peerDependenciesMeta']) ?? {})
      .filter(([, m]) => asRecord(m)?.['optional'] === true)
      .map(([n]) => n),
  );
  return [
    ...depNames(entry['dependencies']),
    ...depNames(entry['optionalDependencies']),
    ...depNames(entry['peerDependencies']).filter((n) => !optionalPeers.has(n)),
  ];
}

/** Folds copies of one name@version installed at several paths into one package. */
function merge(found: NpmPackageFields[]): NpmPackageFields[] {
  const byId = new Map<string, NpmPackageFields>();
  for (const f of found) {
    const id = `${f.name}@${f.version}`;
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, { ...f, metadata: { ...f.metadata } });
      continue;
    }
    if (f.direct === true) seen.direct = true;
    const meta = seen.metadata ?? {};
    // Dev only when every installed copy is dev: one production copy makes it a production package.
    if (meta['dev'] === true && f.metadata?.['dev'] !== true) delete meta['dev'];
    if ((seen.licenses ?? NOASSERTION) === NOASSERTION && f.licenses && f.licenses !== NOASSERTION) seen.licenses = f.licenses;
    seen.dependsOn = [...new Set([...(seen.dependsOn ?? []), ...(f.dependsOn ?? [])])];
  }
  return [...byId.values()];
}
