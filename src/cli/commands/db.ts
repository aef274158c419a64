// `sextant db import|status`: the local advisory store ($SEXTANT_HOME/db, or --database postgres://…).
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { DATABASE_OPTION_HELP, openAdvisoryStore } from '../open-advisory-store.ts';

interface DbOptions {
  database?: string;
}

/** Add `db` and its subcommands to the program. */
export function registerDb(program: Command): void {
  const db = program.command('db').description('Manage the advisory database ($SEXTANT_HOME/db, or --database)');
  db.command('import')
    .description('Load OSV advisories from local JSON files, directories or zips (for air-gapped use); all or nothing')
    .argument('<path...>', 'OSV .json files, directories of them, or .zip dumps')
    .option('--database <url>', DATABASE_OPTION_HELP)
    .option('-q, --quiet', 'no summary line')
    .action(async (paths: string[], opts: DbOptions & { quiet?: boolean }) => {
      const { importOsv } = await import('../../advisory/import-osv.ts');
      const store = await openAdvisoryStore(opts.database);
      try {
        const r = await importOsv(store, paths);
        if (!opts.quiet) {
          process.stdout.write(`imported ${r.advisories} advisories from ${r.documents} documents: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged\n`);
        }
      } finally {
        await store.close();
      }
    });
  db.command('status')
    .description('Show the advisory sources, counts, last update and the database digest')
    .option('--database <url>', DATABASE_OPTION_HELP)
    .option('--format <format>', 'output format: table or json', 'table')
    .action(async (opts: DbOptions & { format: string }) => {
      if (opts.format !== 'table' && opts.format !== 'json') throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      const store = await openAdvisoryStore(opts.database);
      try {
        const [summary, sources] = await Promise.all([store.summary(), store.sources()]);
        if (opts.format === 'json') {
          process.stdout.write(`${JSON.stringify({ ...summary, sources }, null, 2)}\n`);
          return;
        }
        const lines = [
          `${summary.advisories} advisories (${summary.withdrawn} withdrawn), ${summary.affected} affected packages`,
          `last modified ${summary.lastModified ?? 'never'}`,
          `digest ${summary.digest}`,
          ...sources.map((s) => `  ${s.name}: ${s.count} advisories, updated ${s.updatedAt}${s.fingerprint ? `, ${s.fingerprint}` : ''}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
