// Pipenv's Pipfile.lock (JSON): `default` and `develop` sections of pinned packages, plus the Pipfile beside it
// (TOML), which names the direct dependencies.
import { parse as parseToml } from 'smol-toml';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { isVersionLike } from './pep508.ts';
import { decodeText, dirname, joinPath, normalizeName, pypiPackage } from './python-package.ts';

interface LockEntry {
  version?: unknown;
  markers?: unknown;
  index?: unknown;
  hashes?: unknown;
  git?: unknown;
  ref?: unknown;
}

/**
 * Parses a Pipfile.lock. Packages in `develop` only get metadata.dev = true; one in both sections is listed once
 * (it is installed either way). Entries without a `==` version (VCS, path, editable) pin no index version and are
 * skipped. Direct dependencies come from the sibling Pipfile when it was captured; without it, direct is null.
 */
export async function parsePipfileLock(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  let lock: { default?: Record<string, LockEntry>; develop?: Record<string, LockEntry> };
  try {
    lock = JSON.parse(decodeText(content)) as typeof lock;
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not a Pipfile.lock (invalid JSON)`, { cause });
  }
  if (typeof lock !== 'object' || lock === null) throw new SextantError('CORRUPT', `${ctx.location.path}: not a Pipfile.lock`);

  const direct = await pipfileDirect(ctx);
  const out: Package[] = [];
  const seen = new Map<string, Package>();
  for (const section of ['default', 'develop'] as const) {
    const entries = lock[section];
    if (typeof entries !== 'object' || entries === null) continue;
    for (const [name, entry] of Object.entries(entries)) {
      if (typeof entry !== 'object' || entry === null || typeof entry.version !== 'string') continue;
      const version = entry.version.replace(/^={2,3}\s*/, '');
      if (version === entry.version || !isVersionLike(version)) continue;
      const id = `${normalizeName(name)}@${version}`;
      if (seen.has(id)) continue;
      const metadata: Record<string, unknown> = { dev: section === 'develop' };
      if (typeof entry.markers === 'string') metadata.marker = entry.markers;
      if (typeof entry.index === 'string') metadata.index = entry.index;
      if (Array.isArray(entry.hashes)) metadata.hashes = entry.hashes.filter((h) => typeof h === 'string');
      const pkg = pypiPackage({ name, version, direct: direct ? direct.has(normalizeName(name)) : null, metadata }, ctx);
      seen.set(id, pkg);
      out.push(pkg);
    }
  }
  return out;
}

/** Normalised names under `[packages]` and `[dev-packages]` of the Pipfile beside the lock; null when absent or unreadable. */
async function pipfileDirect(ctx: ParseContext): Promise<Set<string> | null> {
  const buf = await ctx.readFile(joinPath(dirname(ctx.location.path), 'Pipfile'));
  if (buf === undefined) return null;
  try {
    const doc = parseToml(decodeText(buf));
    const names = new Set<string>();
    for (const table of [doc.packages, doc['dev-packages']]) {
      if (table && typeof table === 'object' && !Array.isArray(table)) for (const k of Object.keys(table)) names.add(normalizeName(k));
    }
    return names;
  } catch {
    // A broken Pipfile leaves the lock readable; only the direct/transitive split is lost.
    return null;
  }
}
