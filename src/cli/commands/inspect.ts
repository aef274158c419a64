// `sextant inspect IMAGE`: prints an image's metadata as a table for people or as the documented JSON.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { openLayerCache } from '../layer-cache-option.ts';

/** Add `inspect` to the program. */
export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('Show an image\'s metadata: digests, platform, OS, config, layers, registry and provenance')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | NAME[:TAG]')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: the host\'s)')
    .option('--format <format>', 'output format: table or json', 'table')
    .option('--insecure-registry', 'allow plain HTTP to the registry')
    .option('-q, --quiet', 'no progress output')
    .option('--no-cache', 'read every layer, neither using nor filling the layer cache ($SEXTANT_HOME)')
    .action(async (image: string, opts: { cache?: boolean; platform?: string; format: string; insecureRegistry?: boolean; quiet?: boolean }) => {
      if (opts.format !== 'table' && opts.format !== 'json') {
        throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      }
      // Loaded here, not at start-up, so `--help` and other commands do not pay for them.
      const [{ inspectImage }, { parsePlatform }, { walkProgress }] = await Promise.all([
        import('../../analyze/analyze.ts'),
        import('../../image/platform.ts'),
        import('../output/progress.ts'),
      ]);
      const progress = await walkProgress('Reading layers', !opts.quiet);
      const layerCache = await openLayerCache(opts);
      try {
        const metadata = await inspectImage(image, {
          ...(layerCache ? { cache: layerCache } : {}),
          platform: opts.platform ? parsePlatform(opts.platform) : null,
          insecureRegistry: opts.insecureRegistry ?? false,
          ...(progress.active ? { onLayers: progress.onLayers, onProgress: progress.onProgress } : {}),
        });
        progress.stop();
        if (opts.format === 'json') process.stdout.write(`${JSON.stringify(metadata, null, 2)}\n`);
        else process.stdout.write((await import('../output/inspect-table.ts')).renderInspectTable(metadata));
      } finally {
        progress.stop();
        layerCache?.close();
      }
    });
}
