// `sextant inspect IMAGE`: prints an image's metadata as a table for people or as the documented JSON.
import type { Command } from 'commander';
import { inspectImage } from '../../analyze/inspect.ts';
import { SextantError } from '../../core/errors.ts';
import { parsePlatform } from '../../image/platform.ts';
import { renderInspectTable } from '../output/inspect-table.ts';
import { walkProgress } from '../output/progress.ts';

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
    .action(async (image: string, opts: { platform?: string; format: string; insecureRegistry?: boolean; quiet?: boolean }) => {
      if (opts.format !== 'table' && opts.format !== 'json') {
        throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      }
      const progress = walkProgress('Reading layers', !opts.quiet);
      try {
        const metadata = await inspectImage(image, {
          platform: opts.platform ? parsePlatform(opts.platform) : null,
          insecureRegistry: opts.insecureRegistry ?? false,
          onLayers: (l) => progress.onLayers(l),
          onProgress: (p) => progress.onProgress(p),
        });
        progress.stop();
        process.stdout.write(opts.format === 'json' ? `${JSON.stringify(metadata, null, 2)}\n` : renderInspectTable(metadata));
      } finally {
        progress.stop();
      }
    });
}
