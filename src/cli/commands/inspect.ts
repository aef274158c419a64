// `sextant inspect IMAGE`: prints an image's metadata as a table for people or as the documented JSON.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { runAnalysis, withImageOptions } from '../run-analysis.ts';

/** Add `inspect` to the program. */
export function registerInspect(program: Command): void {
  withImageOptions(program.command('inspect'))
    .description('Show an image\'s metadata: digests, platform, OS, config, layers, registry and provenance')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | NAME[:TAG]')
    .option('--format <format>', 'output format: table or json', 'table')
    .action(async (image: string, opts: { cache?: boolean; platform?: string; format: string; insecureRegistry?: boolean; quiet?: boolean }) => {
      if (opts.format !== 'table' && opts.format !== 'json') {
        throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      }
      const { metadata } = await runAnalysis(image, opts);
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(metadata, null, 2)}\n`);
      else process.stdout.write((await import('../output/inspect-table.ts')).renderInspectTable(metadata));
    });
}
