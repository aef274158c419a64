// The catalogers a plain `sextant sbom` runs, loaded only when an analysis needs them. A bundled build knows
// their signature already (scripts/build.ts computes it from the same registry), so a cached analysis is found
// without loading any cataloger's code or libraries.
import type { Cataloger } from './cataloger.ts';
import { catalogSignature, type CatalogSignature, type LazyCatalogers } from './signature.ts';

/** Set by the bundler to catalogSignature(defaultCatalogers()); absent when running from source. */
declare const __SEXTANT_DEFAULT_CATALOG_SIGNATURE__: CatalogSignature | undefined;

const builtSignature: CatalogSignature | undefined =
  typeof __SEXTANT_DEFAULT_CATALOG_SIGNATURE__ === 'undefined' ? undefined : __SEXTANT_DEFAULT_CATALOG_SIGNATURE__;

async function load(): Promise<readonly Cataloger[]> {
  const { defaultCatalogers } = await import('./registry.ts');
  return defaultCatalogers();
}

/** Every cataloger, in registry order. */
export const defaultCatalogerSet: LazyCatalogers = {
  signature: async () => builtSignature ?? catalogSignature(await load()),
  load,
};
