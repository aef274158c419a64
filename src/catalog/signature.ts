// What identifies a set of catalogers for caching: names, versions, globs, size limits and inspectors.
import type { Cataloger } from './cataloger.ts';

/** The identity of a cataloger set, and the largest file any of them asks to keep. */
export interface CatalogSignature {
  /** One line per cataloger: `name@version:maxFileBytes:inspects:globs`. Equal text, equal walk and results. */
  id: string;
  maxFileBytes: number;
}

/** The signature of `catalogers`, in their order. */
export function catalogSignature(catalogers: readonly Cataloger[]): CatalogSignature {
  return {
    id: catalogers.map((c) => `${c.name}@${c.version}:${c.maxFileBytes ?? ''}:${c.inspect ? 'i' : ''}:${c.globs.join(',')}`).join('\n'),
    maxFileBytes: Math.max(0, ...catalogers.map((c) => c.maxFileBytes ?? 0)),
  };
}

/**
 * Catalogers known by their signature before their code is loaded, so an analysis the cache already holds never
 * loads them. `load` gives the catalogers whose signature `signature` resolves to.
 */
export interface LazyCatalogers {
  signature(): Promise<CatalogSignature>;
  load(): Promise<readonly Cataloger[]>;
}

/** An already loaded list as LazyCatalogers. */
export function loadedCatalogers(catalogers: readonly Cataloger[]): LazyCatalogers {
  return { signature: async () => catalogSignature(catalogers), load: async () => catalogers };
}
