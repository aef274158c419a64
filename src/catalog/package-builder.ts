// One place that fills in a Package: what a format does not record starts empty (licences NOASSERTION).
import type { Package } from '../core/package.ts';
import type { ParseContext } from './cataloger.ts';
import { NOASSERTION } from './licenses.ts';

/** What every package needs; everything else defaults to "not recorded". */
export type PackageFields = Pick<Package, 'type' | 'name' | 'version' | 'purl'> & Partial<Package>;

/** A Package found at `ctx.location` by `ctx.foundBy`, with the fields given and the rest empty. */
export function buildPackage(fields: PackageFields, ctx: Pick<ParseContext, 'location' | 'foundBy'>): Package {
  return {
    namespace: null,
    authors: [],
    description: null,
    licenses: NOASSERTION,
    size: null,
    locations: [ctx.location],
    direct: null,
    dependsOn: [],
    source: null,
    arch: null,
    foundBy: ctx.foundBy,
    metadata: {},
    ...fields,
  };
}
