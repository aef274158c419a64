// `sextant db update|import|status`: the local advisory store ($SEXTANT_HOME/db, or --database postgres://…).
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { SourceUpdate, UpdateProgress } from '../../advisory/updater.ts';
import { SextantError } from '../../core/errors.ts';
import { sextantHome } from '../../core/home.ts';
import { DATABASE_OPTION_HELP, openAdvisoryStore } from '../open-advisory-store.ts';

interface DbOptions {
  database?: string;
}

interface UpdateCommandOptions extends DbOptions {
  source?: string;
  ecosystem: string[];
  kevUrl?: string;
  kev: boolean;
  epssUrl?: string;
  epss: boolean;
  quiet?: boolean;
}

/** What a source's count counts, for the lines `db update` and `db status` print. */
function unitOf(source: string): string {
  if (source === 'kev') return 'known exploited CVEs';
  if (source === 'epss') return 'scored CVEs';
  return 'advisories';
}

/** One source's outcome as `db update` prints it. */
function describeUpdate(u: SourceUpdate): string {
  const changes = u.changes ? ` (${u.changes.inserted} new, ${u.changes.updated} changed)` : '';
  if (u.status === 'updated' || u.status === 'unchanged') return `${u.name}: ${u.status}, ${u.count} ${unitOf(u.name)}${changes}`;
  return `${u.name}: ${u.status}, keeping the previous data (${u.count} ${unitOf(u.name)}): ${u.message ?? 'unknown error'}`;
}

/** Where downloads wait to be applied: beside a SQLite database (often roomier than /tmp), else the temporary directory. */
function downloadDir(database: string | undefined): string {
  const url = database ?? process.env.SEXTANT_DATABASE;
  if (!url) return join(sextantHome(), 'db');
  if (/^postgres(ql)?:\/\//.test(url) || url === ':memory:' || url.startsWith('file:')) return tmpdir();
  return dirname(resolve(url));
}

/** A one-line download/apply indicator on a terminal's stderr, redrawn at most five times a second. */
function progressLine(enabled: boolean): { report(p: UpdateProgress): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) return { report() {}, stop() {} };
  let last = 0;
  let drawn = false;
  return {
    report(p) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      drawn = true;
      const what = p.phase === 'download' ? `downloading ${p.source}: ${(p.bytes / 1e6).toFixed(1)} MB` : `applying ${p.source}: ${p.records} records`;
      process.stderr.write(`\r\x1b[K${what}`);
    },
    stop() {
      if (drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** `--ecosystem` given several times and/or as a comma list. */
function collectEcosystems(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((e) => e.trim()).filter((e) => e !== '')];
}

/** Add `db` and its subcommands to the program. */
export function registerDb(program: Command): void {
  const db = program.command('db').description('Manage the advisory database ($SEXTANT_HOME/db, or --database)');
  db.command('update')
    .description('Download OSV advisories (changed dumps only), the CISA KEV catalogue and EPSS scores; all or nothing')
    .option('--source <url>', 'base URL of the OSV dumps (default: $SEXTANT_ADVISORY_SOURCE, else the public OSV bucket)')
    .option('--ecosystem <name>', 'OSV ecosystem to update, repeatable or comma-separated (default: every one the source lists)', collectEcosystems, [])
    .option('--kev-url <url>', 'where to fetch the CISA KEV catalogue (JSON)')
    .option('--no-kev', 'leave the CISA KEV catalogue out')
    .option('--epss-url <url>', 'where to fetch the EPSS scores (CSV, optionally gzipped)')
    .option('--no-epss', 'leave the EPSS scores out')
    .option('--database <url>', DATABASE_OPTION_HELP)
    .option('-q, --quiet', 'print only warnings')
    .action(async (opts: UpdateCommandOptions) => {
      if (!opts.kev && opts.kevUrl) throw new SextantError('USAGE', '--kev-url and --no-kev cannot be used together');
      if (!opts.epss && opts.epssUrl) throw new SextantError('USAGE', '--epss-url and --no-epss cannot be used together');
      const { updateDatabase } = await import('../../advisory/updater.ts');
      const store = await openAdvisoryStore(opts.database);
      const progress = progressLine(!opts.quiet);
      try {
        const results = await updateDatabase(store, {
          source: opts.source ?? (process.env.SEXTANT_ADVISORY_SOURCE || undefined),
          ecosystems: opts.ecosystem,
          kevUrl: opts.kev ? opts.kevUrl : null,
          epssUrl: opts.epss ? opts.epssUrl : null,
          workDir: downloadDir(opts.database),
          onProgress: (p) => progress.report(p),
        });
        progress.stop();
        for (const r of results) {
          if (r.status === 'unreachable' || r.status === 'failed') process.stderr.write(`sextant: warning: ${describeUpdate(r)}\n`);
          else if (!opts.quiet) process.stdout.write(`${describeUpdate(r)}\n`);
        }
      } finally {
        progress.stop();
        await store.close();
      }
    });
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
          ...sources.map((s) => `  ${s.name}: ${s.count} ${unitOf(s.name)}, updated ${s.updatedAt}${s.fingerprint ? `, ${s.fingerprint}` : ''}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
