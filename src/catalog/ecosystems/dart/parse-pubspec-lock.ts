// Parser for Dart/Flutter pubspec.lock: every locked package, direct (main or dev) or transitive.
import { parse as parseYaml } from 'yaml';
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function record(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The lowest version a constraint such as `^3.3.0` or `>=2.18.0 <3.0.0` allows, or null when it has none. */
export function minimumVersion(constraint: string): string | null {
  // Only the first clause can set a floor: `^x`, `>=x` or an exact `x` (a bare `<x` allows anything below).
  const first = constraint.trim().split(/\s+/)[0] ?? '';
  const m = /^(?:\^|>=)?(\d+\.\d+\.\d+\S*)$/.exec(first);
  return m?.[1] ?? null;
}

/**
 * Parse a pubspec.lock. `dependency` says how the application depends on each package: `direct main`,
 * `direct dev` (metadata.dev) and `direct overridden` are direct, `transitive` is not. SDK packages
 * (`source: sdk`, such as flutter_test) are locked as 0.0.0: their real version is the SDK's, so the SDK's
 * constraint and its lowest allowed version are kept in metadata. Throws CORRUPT when the file is not YAML.
 */
export function parsePubspecLock(content: Buffer, ctx: ParseContext): Package[] {
  let doc: unknown;
  try {
    doc = parseYaml(content.toString('utf8'));
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not YAML`, { cause });
  }
  const root = record(doc);
  const packages = record(root?.['packages']);
  if (!packages) return [];
  const sdks = record(root?.['sdks']) ?? {};
  const out: Package[] = [];
  for (const [name, raw] of Object.entries(packages)) {
    const p = record(raw);
    const version = p ? str(p['version']) : null;
    if (!p || !version || !name) continue;
    const dependency = str(p['dependency']);
    const source = str(p['source']);
    const desc = p['description'];
    const metadata: Record<string, unknown> = {};
    if (dependency) metadata['dependency'] = dependency;
    if (source) metadata['source'] = source;
    if (dependency === 'direct dev') metadata['dev'] = true;
    const d = record(desc);
    if (source === 'sdk' && typeof desc === 'string') {
      metadata['sdk'] = desc;
      const constraint = str(sdks[desc]);
      if (constraint) {
        metadata['sdkConstraint'] = constraint;
        const min = minimumVersion(constraint);
        if (min) metadata['sdkMinimumVersion'] = min;
      }
    } else if (d) {
      // hosted: {name, url, sha256}; git: {url, ref, resolved-ref, path}; path: {path, relative}.
      for (const [from, to] of [
        ['url', 'url'],
        ['sha256', 'sha256'],
        ['ref', 'ref'],
        ['resolved-ref', 'resolvedRef'],
        ['path', 'path'],
      ] as const) {
        const v = d[from];
        if (typeof v === 'string' && v !== '') metadata[to] = v;
      }
    }
    out.push(buildPackage(
      {
        type: 'pub',
        name,
        version,
        purl: makePurl({ type: 'pub', name, version }),
        direct: dependency === null ? null : dependency.startsWith('direct'),
        metadata,
      },
      ctx,
    ));
  }
  return out;
}
