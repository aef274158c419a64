// The analysis as the image commands run it: platform and registry options, progress on a terminal, and the
// layer cache (on by default, off with `--no-cache`).
import type { Command } from 'commander';
import type { Analysis, AnalyzeOptions } from '../analyze/analyze.ts';
import type { LayerCache } from '../analyze/layer-cache.ts';

/** The options every command that reads an image shares. */
export interface ImageCommandOptions {
  platform?: string;
  insecureRegistry?: boolean;
  quiet?: boolean;
  /** False with `--no-cache` (commander's negated option). */
  cache?: boolean;
}

/** Add the shared image options to a command. */
export function withImageOptions(command: Command): Command {
  return command
    .option('--platform <os/arch[/variant]>', "platform to pick from a multi-platform image (default: the host's)")
    .option('--insecure-registry', 'allow plain HTTP to the registry')
    .option('-q, --quiet', 'no progress output')
    .option('--no-cache', 'read every layer, neither using nor filling the layer cache ($SEXTANT_HOME)');
}

/** Analyze `image` with the command's options and what the command adds (catalogers, secrets…). */
export async function runAnalysis(
  image: string,
  opts: ImageCommandOptions,
  extra: Omit<AnalyzeOptions, 'platform' | 'insecureRegistry' | 'cache' | 'onLayers' | 'onProgress'> = {},
): Promise<Analysis> {
  // Loaded here, not at start-up, so `--help` and other commands do not pay for them.
  const [{ analyzeImage }, { parsePlatform }, { walkProgress }] = await Promise.all([
    import('../analyze/analyze.ts'),
    import('../image/platform.ts'),
    import('./output/progress.ts'),
  ]);
  const platform = opts.platform ? parsePlatform(opts.platform) : null;
  const progress = await walkProgress('Reading layers', !opts.quiet);
  const layerCache = await openLayerCache(opts);
  try {
    return await analyzeImage(image, {
      ...extra,
      ...(layerCache ? { cache: layerCache } : {}),
      platform,
      insecureRegistry: opts.insecureRegistry ?? false,
      ...(progress.active ? { onLayers: progress.onLayers, onProgress: progress.onProgress } : {}),
    });
  } finally {
    progress.stop();
    layerCache?.close();
  }
}

/**
 * The layer cache, unless `--no-cache` was given. A cache that cannot be opened (a read-only home) only costs
 * speed, so the command goes on without it, saying so once.
 */
async function openLayerCache(opts: { cache?: boolean }): Promise<LayerCache | undefined> {
  if (opts.cache === false) return undefined;
  const { LayerCache } = await import('../analyze/layer-cache.ts');
  try {
    return LayerCache.open();
  } catch (err) {
    process.stderr.write(`sextant: warning: going on without the layer cache (${(err as Error).message})\n`);
    return undefined;
  }
}
