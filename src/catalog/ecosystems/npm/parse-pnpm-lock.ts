// Parser for pnpm-lock.yaml: lockfile v5 (`/name/1.0.0_peer` keys), v6 (`/name@1.0.0(peer)`) and v9
// (`name@1.0.0` in packages, with the dependency graph in snapshots), including workspaces (importers).
import { parseAllDocuments } from 'yaml';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { asRecord, devOnly, npmPackage, splitSpec } from './npm-package.ts';

/**
 * Parses a pnpm-lock.yaml. The importers (or, before workspaces, the top-level dependency maps) are the
 * project's direct dependencies; a package reachable only from devDependencies gets metadata.dev. A package
 * resolved once per set of peers appears once per set, as pnpm installs it. The document pnpm 11 adds for its own
 * installation (packageManagerDependencies) describes the package manager, not the project, and is skipped.
 */
export function parsePnpmLock(content: Buffer, ctx: ParseContext): Package[] {
  const docs = parseAllDocuments(content.toString('utf8'), { uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: Package[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      throw new SextantError('CORRUPT', `${ctx.location.path}: unreadable YAML (${doc.errors[0]?.message.split('\n')[0] ?? ''})`);
    }
    const lock = asRecord(doc.toJS({ maxAliasCount: -1 }));
    if (!lock || isPackageManagerDocument(lock)) continue;
    out.push(...parseDocument(lock, ctx));
  }
  return out;
}

function isPackageManagerDocument(lock: Record<string, unknown>): boolean {
  return Object.values(asRecord(lock['importers']) ?? {}).some((imp) => asRecord(imp)?.['packageManagerDependencies'] !== undefined);
}

/** A dependency map entry: `name: 1.0.0` (v5) or `name: {specifier, version}` (v6+). */
function refVersion(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  const v = asRecord(value)?.['version'];
  return typeof v === 'string' ? v : undefined;
}

function parseDocument(lock: Record<string, unknown>, ctx: ParseContext): Package[] {
  const major = Number.parseInt(String(lock['lockfileVersion'] ?? '5'), 10) || 5;
  const packages = asRecord(lock['packages']) ?? {};
  const snapshots = asRecord(lock['snapshots']);
  // From v9 on, packages hold per-package facts and snapshots the installed instances (one per peer set).
  const nodes = major >= 9 && snapshots ? snapshots : packages;

  const lookup = (name: string, version: string): string | undefined => {
    if (version.startsWith('link:')) return undefined;
    const candidates =
      major >= 9
        ? [`${name}@${version}`, version]
        : major >= 6
          ? [`/${name}@${version}`, version, `/${version}`]
          : [`/${name}/${version}`, version, `/${version}`];
    return candidates.find((c) => Object.hasOwn(nodes, c));
  };

  const depsOf = (key: string): Map<string, string> => {
    const entry = asRecord(nodes[key]) ?? {};
    const deps = new Map<string, string>();
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const [n, v] of Object.entries(asRecord(entry[field]) ?? {})) {
        const ver = refVersion(v);
        if (ver !== undefined) deps.set(n, ver);
      }
    }
    return deps;
  };

  const edges = new Map<string, string[]>();
  for (const key of Object.keys(nodes)) {
    const to: string[] = [];
    for (const [n, v] of depsOf(key)) {
      const k = lookup(n, v);
      if (k !== undefined) to.push(k);
    }
    edges.set(key, to);
  }

  // Importers are the workspace's projects; a lockfile without them describes one project at the top level.
  const importers = asRecord(lock['importers']);
  const projects = importers ? Object.values(importers).map(asRecord) : [lock];
  const prodRoots: string[] = [];
  const devRoots: string[] = [];
  for (const project of projects) {
    if (!project) continue;
    for (const [field, roots] of [
      ['dependencies', prodRoots],
      ['optionalDependencies', prodRoots],
      ['devDependencies', devRoots],
    ] as const) {
      for (const [n, v] of Object.entries(asRecord(project[field]) ?? {})) {
        const ver = refVersion(v);
        const k = ver === undefined ? undefined : lookup(n, ver);
        if (k !== undefined) roots.push(k);
      }
    }
  }
  const direct = new Set([...prodRoots, ...devRoots]);
  const dev = devOnly(edges, prodRoots, devRoots);

  const out: Package[] = [];
  for (const key of Object.keys(nodes)) {
    const { name: keyName, version: keyVersion, peers } = parseKey(key, major);
    const facts = asRecord(packages[major >= 9 ? stripPeers(key) : key]) ?? {};
    const instance = asRecord(nodes[key]) ?? {};
    const name = typeof facts['name'] === 'string' ? facts['name'] : keyName;
    const declared = facts['version'];
    // A tarball, git or directory dependency names its version in the entry; a bare reference is not a version.
    const version = typeof declared === 'string' ? declared : /^\d+\.\d+/.test(keyVersion) ? keyVersion : '';
    if (!name) continue;
    const metadata: Record<string, unknown> = {};
    if (version !== keyVersion && keyVersion) metadata['reference'] = keyVersion;
    if (peers) metadata['peers'] = peers;
    const resolution = asRecord(facts['resolution']);
    for (const f of ['integrity', 'tarball', 'directory', 'repo', 'commit'] as const) {
      if (typeof resolution?.[f] === 'string') metadata[f] = resolution[f];
    }
    const explicitDev = facts['dev'] ?? instance['dev'];
    if (explicitDev === true || (typeof explicitDev !== 'boolean' && dev.has(key))) metadata['dev'] = true;
    if ((facts['optional'] ?? instance['optional']) === true) metadata['optional'] = true;
    out.push(npmPackage({ name, version, direct: direct.has(key), dependsOn: [...depsOf(key).keys()], metadata }, ctx));
  }
  return out;
}

/** `debug@4.3.4(supports-color@8.1.1)` → `debug@4.3.4`. */
function stripPeers(key: string): string {
  const paren = key.indexOf('(');
  return paren > 0 ? key.slice(0, paren) : key;
}

/** Name, version and peer suffix from a package key of the given lockfile major version. */
function parseKey(key: string, major: number): { name: string; version: string; peers: string } {
  const registry = key.startsWith('/');
  const k = registry ? key.slice(1) : key;
  if (major >= 6) {
    const bare = stripPeers(k);
    const { name, range } = splitSpec(bare);
    return { name: range ? name : '', version: range, peers: k.slice(bare.length) };
  }
  if (!registry) return { name: '', version: '', peers: '' };
  // v5: /name/1.0.0_peer@1.0.0 or /@scope/name/1.0.0
  const parts = k.split('/');
  const scoped = k.startsWith('@');
  const name = scoped ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  const rest = (scoped ? parts[2] : parts[1]) ?? '';
  const underscore = rest.indexOf('_');
  return underscore > 0 ? { name, version: rest.slice(0, underscore), peers: rest.slice(underscore + 1) } : { name, version: rest, peers: '' };
}
