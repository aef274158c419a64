// Parser for NuGet's packages.lock.json: resolved packages per target framework, Direct or Transitive.
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse a packages.lock.json. A package resolved for several target frameworks is reported once per version,
 * direct when any framework lists it as Direct. `Project` entries are the solution's own projects (no version)
 * and are left out. Throws CORRUPT when the file is not a JSON object.
 */
export function parsePackagesLock(content: Buffer, ctx: ParseContext): Package[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content.toString('utf8'));
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not JSON`, { cause });
  }
  if (!isObject(doc)) throw new SextantError('CORRUPT', `${ctx.location.path}: not a packages.lock.json`);
  const byKey = new Map<string, Package>();
  const frameworks = isObject(doc['dependencies']) ? doc['dependencies'] : {};
  for (const [tfm, deps] of Object.entries(frameworks)) {
    if (!isObject(deps)) continue;
    for (const [name, dep] of Object.entries(deps)) {
      if (!isObject(dep) || typeof dep['resolved'] !== 'string' || dep['resolved'] === '') continue;
      const type = typeof dep['type'] === 'string' ? dep['type'] : '';
      if (type === 'Project') continue;
      const version = dep['resolved'];
      const isDirect = type === 'Direct';
      const edges = isObject(dep['dependencies']) ? Object.keys(dep['dependencies']) : [];
      const key = `${name.toLowerCase()}@${version}`;
      const seen = byKey.get(key);
      if (seen) {
        seen.direct = seen.direct === true || isDirect;
        for (const e of edges) if (!seen.dependsOn.includes(e)) seen.dependsOn.push(e);
        (seen.metadata['targetFrameworks'] as string[]).push(tfm);
        continue;
      }
      const metadata: Json = { targetFrameworks: [tfm], dependencyType: type };
      if (typeof dep['requested'] === 'string') metadata['requested'] = dep['requested'];
      if (typeof dep['contentHash'] === 'string') metadata['contentHash'] = dep['contentHash'];
      byKey.set(key, buildPackage(
        {
          type: 'nuget',
          name,
          version,
          purl: makePurl({ type: 'nuget', name, version }),
          direct: isDirect,
          dependsOn: edges,
          metadata,
        },
        ctx,
      ));
    }
  }
  return [...byKey.values()];
}
