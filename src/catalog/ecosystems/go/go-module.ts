// Shared Go module helpers: purls and Packages for module paths, and Go's semantic version order.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

/** A module path split as purl-spec does for golang: namespace = all but the last segment, name = the last. */
export function splitModulePath(path: string): { namespace: string | null; name: string } {
  const i = path.lastIndexOf('/');
  return i > 0 ? { namespace: path.slice(0, i), name: path.slice(i + 1) } : { namespace: null, name: path };
}

/** A Package for Go module `path` at `version` (empty for a main module, which has none). */
export function goModulePackage(path: string, version: string, direct: boolean | null, metadata: Record<string, unknown>, ctx: ParseContext): Package {
  const { namespace, name } = splitModulePath(path);
  return buildPackage(
    {
      type: 'golang',
      namespace,
      name,
      version,
      purl: makePurl({ type: 'golang', namespace, name, version }),
      direct,
      metadata,
    },
    ctx,
  );
}

const SEMVER = /^v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function compareIdent(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b)) || Math.sign(a.length - b.length);
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compare two Go module versions (semver with a `v`, pseudo-versions included: they are prereleases that sort by
 * timestamp). Versions that are not semver sort before valid ones, and among themselves as strings.
 */
export function compareGoVersions(a: string, b: string): number {
  const ma = SEMVER.exec(a);
  const mb = SEMVER.exec(b);
  if (!ma || !mb) return ma ? 1 : mb ? -1 : a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d) return Math.sign(d);
  }
  const pa = ma[4];
  const pb = mb[4];
  if (pa === undefined || pb === undefined) return pa === pb ? 0 : pa === undefined ? 1 : -1;
  const ia = pa.split('.');
  const ib = pb.split('.');
  for (let i = 0; i < Math.min(ia.length, ib.length); i++) {
    const c = compareIdent(ia[i] as string, ib[i] as string);
    if (c) return c;
  }
  return Math.sign(ia.length - ib.length);
}
