// The layer cache as the commands that walk layers use it: on by default, off with `--no-cache`.
import type { LayerCache } from '../analyze/layer-cache.ts';

/**
 * The layer cache, unless `--no-cache` was given (commander sets `cache: false`); close it when done. A cache
 * that cannot be opened (a read-only home) only costs speed, so the command goes on without it, saying so once.
 */
export async function openLayerCache(opts: { cache?: boolean }): Promise<LayerCache | undefined> {
  if (opts.cache === false) return undefined;
  const { LayerCache } = await import('../analyze/layer-cache.ts');
  try {
    return LayerCache.open();
  } catch (err) {
    process.stderr.write(`sextant: warning: going on without the layer cache (${(err as Error).message})\n`);
    return undefined;
  }
}
