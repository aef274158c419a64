// `sextant cache df|prune`: the size of the layer cache, and emptying it.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';

/** Add `cache` and its subcommands to the program. */
export function registerCache(program: Command): void {
  const cache = program.command('cache').description('Manage the layer cache ($SEXTANT_HOME, default ~/.cache/sextant)');
  cache
    .command('df')
    .description('Show where the layer cache is and how much it holds')
    .option('--format <format>', 'output format: table or json', 'table')
    .action(async (opts: { format: string }) => {
      const { LayerCache } = await import('../../analyze/layer-cache.ts');
      const store = LayerCache.open();
      try {
        const usage = store.usage();
        if (opts.format === 'json') process.stdout.write(`${JSON.stringify(usage, null, 2)}\n`);
        else if (opts.format === 'table') {
          const { formatBytes } = await import('../output/inspect-table.ts');
          process.stdout.write(`${usage.path}\n${usage.layers} layers, ${usage.images} image analyses, ${formatBytes(usage.bytes)}${usage.oldestUse ? `, least recently used ${usage.oldestUse}` : ''}\n`);
        } else throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      } finally {
        store.close();
      }
    });
  cache
    .command('prune')
    .description('Remove cached layers (all of them, or those unused for some days)')
    .option('--older-than <days>', 'only layers not used for this many days')
    .action(async (opts: { olderThan?: string }) => {
      let before: Date | undefined;
      if (opts.olderThan !== undefined) {
        const days = Number(opts.olderThan);
        if (!Number.isFinite(days) || days < 0) throw new SextantError('USAGE', `--older-than wants a number of days, not "${opts.olderThan}"`);
        before = new Date(Date.now() - days * 86_400_000);
      }
      const { LayerCache } = await import('../../analyze/layer-cache.ts');
      const store = LayerCache.open();
      try {
        const removed = store.prune(before);
        process.stdout.write(`removed ${removed} cached layer${removed === 1 ? '' : 's'}\n`);
      } finally {
        store.close();
      }
    });
}
