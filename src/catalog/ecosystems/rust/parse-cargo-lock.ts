// Parser for Cargo.lock (lockfile versions 1–4): every locked crate, with the workspace's own crates as the root.
import { parse } from 'smol-toml';
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

interface Locked {
  name: string;
  version: string;
  source: string | null;
  checksum: string | null;
  deps: string[];
}

/** A dependency entry: `name`, `name version`, or (lockfile v1) `name version (source)`. */
function parseDep(entry: string): { name: string; version: string | null } {
  const [name = '', version] = entry.trim().split(/\s+/);
  return { name, version: version ?? null };
}

/**
 * Parse a Cargo.lock. Crates without a `source` are the workspace's own members (the application, or path
 * dependencies of it): they are reported with `metadata.workspace`, and the crates they depend on are direct.
 * Throws CORRUPT when the file is not TOML.
 */
export function parseCargoLock(content: Buffer, ctx: ParseContext): Package[] {
  let doc: Record<string, unknown>;
  try {
    doc = parse(content.toString('utf8'));
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not TOML`, { cause });
  }
  // Lockfile v1 kept checksums in [metadata] as `"checksum <name> <version> (<source>)" = "<sha256>"`.
  const v1Checksums = new Map<string, string>();
  const meta = doc['metadata'];
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) {
    for (const [k, v] of Object.entries(meta)) {
      const m = /^checksum (\S+) (\S+)/.exec(k);
      if (m && typeof v === 'string') v1Checksums.set(`${m[1]}@${m[2]}`, v);
    }
  }
  const locked: Locked[] = [];
  for (const raw of Array.isArray(doc['package']) ? doc['package'] : []) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const p = raw as Record<string, unknown>;
    if (typeof p['name'] !== 'string' || typeof p['version'] !== 'string' || !p['name'] || !p['version']) continue;
    const deps = Array.isArray(p['dependencies']) ? p['dependencies'].filter((d): d is string => typeof d === 'string') : [];
    locked.push({
      name: p['name'],
      version: p['version'],
      source: typeof p['source'] === 'string' ? p['source'] : null,
      checksum: typeof p['checksum'] === 'string' ? p['checksum'] : (v1Checksums.get(`${p['name']}@${p['version']}`) ?? null),
      deps,
    });
  }
  // Crates the workspace members name themselves, by name@version (a bare name means the only locked version).
  const byName = new Map<string, Locked[]>();
  for (const l of locked) byName.set(l.name, [...(byName.get(l.name) ?? []), l]);
  const resolve = (entry: string): Locked | undefined => {
    const { name, version } = parseDep(entry);
    const candidates = byName.get(name) ?? [];
    return version ? candidates.find((c) => c.version === version) : candidates.length === 1 ? candidates[0] : undefined;
  };
  const members = locked.filter((l) => l.source === null);
  const direct = new Set<Locked>();
  for (const m of members) for (const d of m.deps) {
    const r = resolve(d);
    if (r) direct.add(r);
  }
  return locked.map((l) => {
    const metadata: Record<string, unknown> = {};
    if (l.source) metadata['source'] = l.source;
    if (l.checksum) metadata['checksum'] = l.checksum;
    if (l.source === null) metadata['workspace'] = true;
    return buildPackage(
      {
        type: 'cargo',
        name: l.name,
        version: l.version,
        purl: makePurl({ type: 'cargo', name: l.name, version: l.version }),
        // Workspace members are the application itself, not dependencies of it. A lock without members gives no root.
        direct: l.source === null || members.length === 0 ? null : direct.has(l),
        dependsOn: l.deps.map((d) => parseDep(d).name),
        metadata,
      },
      ctx,
    ) satisfies Package;
  });
}
