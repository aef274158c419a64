// Poetry's poetry.lock (TOML): `[[package]]` entries with their dependencies, plus pyproject.toml beside it for
// which packages the project asks for directly.
import { parse as parseToml } from 'smol-toml';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { reachable, readProjectDependencies } from './pyproject.ts';
import { decodeText, normalizeName, pypiPackage } from './python-package.ts';

interface LockPackage {
  name: string;
  version: string;
  description: string | null;
  category: string | null;
  groups: string[] | null;
  optional: boolean;
  deps: string[];
  source: Record<string, unknown> | null;
}

/**
 * Parses a poetry.lock. Development packages: lock files before Poetry 1.5 say so in `category`, Poetry 2 in
 * `groups` (a package outside `main`); in between neither is written, so dev is derived from pyproject.toml when
 * present (what the runtime dependencies do not reach). Direct: named in pyproject.toml; null without it.
 */
export async function parsePoetryLock(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(decodeText(content)) as Record<string, unknown>;
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not a poetry.lock (invalid TOML)`, { cause });
  }
  const entries = Array.isArray(doc.package) ? doc.package : [];
  const packages: LockPackage[] = [];
  for (const e of entries) {
    const p = readEntry(e);
    if (p) packages.push(p);
  }

  // Dependencies are written as the depender spells them (`MarkupSafe`); the lock's own spelling is what we emit.
  const byNorm = new Map<string, LockPackage>();
  for (const p of packages) if (!byNorm.has(normalizeName(p.name))) byNorm.set(normalizeName(p.name), p);
  const spell = (dep: string): string => byNorm.get(normalizeName(dep))?.name ?? dep;

  const project = await readProjectDependencies(ctx);
  const declaredDev = packages.some((p) => p.category !== null || p.groups !== null);
  const runtime = !declaredDev && project ? reachable(project.main, (k) => (byNorm.get(k)?.deps ?? []).map(normalizeName)) : null;

  return packages.map((p) => {
    const norm = normalizeName(p.name);
    const metadata: Record<string, unknown> = {};
    if (p.category !== null) metadata.category = p.category;
    if (p.groups !== null) metadata.groups = p.groups;
    if (p.category !== null) metadata.dev = p.category === 'dev';
    else if (p.groups !== null) metadata.dev = !p.groups.includes('main');
    else if (runtime) metadata.dev = !runtime.has(norm);
    if (p.optional) metadata.optional = true;
    if (p.source) metadata.source = p.source;
    return pypiPackage(
      {
        name: p.name,
        version: p.version,
        description: p.description,
        direct: project ? project.main.has(norm) || project.dev.has(norm) : null,
        dependsOn: [...new Set(p.deps.map(spell))],
        metadata,
      },
      ctx,
    );
  });
}

function readEntry(e: unknown): LockPackage | null {
  if (typeof e !== 'object' || e === null) return null;
  const t = e as Record<string, unknown>;
  if (typeof t.name !== 'string' || typeof t.version !== 'string' || !t.name || !t.version) return null;
  const deps = typeof t.dependencies === 'object' && t.dependencies !== null ? Object.keys(t.dependencies) : [];
  const source = typeof t.source === 'object' && t.source !== null && !Array.isArray(t.source) ? (t.source as Record<string, unknown>) : null;
  return {
    name: t.name,
    version: t.version,
    description: typeof t.description === 'string' && t.description ? t.description : null,
    category: typeof t.category === 'string' ? t.category : null,
    groups: Array.isArray(t.groups) ? t.groups.filter((g): g is string => typeof g === 'string') : null,
    optional: t.optional === true,
    deps,
    source,
  };
}
