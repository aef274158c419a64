// `sextant cves IMAGE`: the vulnerabilities of an image's packages, from the local advisory database.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import type { SeverityRating } from '../../core/advisory.ts';
import { withImageOptions, type ImageCommandOptions } from '../run-analysis.ts';
import { DATABASE_OPTION_HELP } from '../open-advisory-store.ts';
import { scanImage } from '../scan-image.ts';

const RATINGS: SeverityRating[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];
const FORMATS = ['table', 'json'];

interface CvesOptions extends ImageCommandOptions {
  format: string;
  database?: string;
  onlySeverity?: string;
  onlyFixed?: boolean;
  onlyUnfixed?: boolean;
  onlyPackageType?: string;
  exitCode?: boolean;
  explain?: string;
}

/** Add `cves` to the program. */
export function registerCves(program: Command): void {
  withImageOptions(program.command('cves'))
    .description('List the known vulnerabilities of an image\u2019s packages (from the advisory database: see db import)')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | sbom://FILE | NAME[:TAG]')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--database <url>', DATABASE_OPTION_HELP)
    .option('--only-severity <list>', 'only these severities, comma-separated (critical,high,medium,low,unknown)')
    .option('--only-fixed', 'only vulnerabilities with a fix')
    .option('--only-unfixed', 'only vulnerabilities without a fix')
    .option('--only-package-type <list>', 'only packages of these purl types, comma-separated (deb,npm,…)')
    .option('--exit-code', 'exit 1 when vulnerabilities remain after the filters')
    .option('--explain <id>', 'show why a vulnerability (any of its ids: CVE, GHSA, DSA…) matched, or why not')
    .action(async (image: string, opts: CvesOptions) => {
      if (!FORMATS.includes(opts.format)) throw new SextantError('USAGE', `unknown format "${opts.format}" (use ${FORMATS.join(', ')})`);
      if (opts.onlyFixed && opts.onlyUnfixed) throw new SextantError('USAGE', '--only-fixed and --only-unfixed exclude each other');
      const severities = list(opts.onlySeverity);
      const unknown = severities?.filter((s) => !RATINGS.includes(s as SeverityRating));
      if (unknown?.length) throw new SextantError('USAGE', `unknown severity "${unknown[0]}" (use ${RATINGS.join(', ')})`);
      const types = list(opts.onlyPackageType);

      const { sbom, findings: all, undecided, database: digest } = await scanImage(image, opts, opts.database);
      const findings = all.filter(
        (f) =>
          (!severities || severities.includes(f.severity?.rating ?? 'unknown')) &&
          (!types || types.includes(f.packageType)) &&
          (!opts.onlyFixed || f.fixedIn.length > 0) &&
          (!opts.onlyUnfixed || f.fixedIn.length === 0),
      );
      if (opts.explain) {
        const { renderExplanation } = await import('../output/explain.ts');
        process.stdout.write(renderExplanation(opts.explain, all, undecided, opts.format === 'json'));
        return;
      }
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify({ image: { reference: sbom.image.reference, digest: sbom.image.digest, distro: sbom.distro }, database: digest, packageCount: sbom.packageCount, findings, undecided }, null, 2)}\n`);
      } else {
        const { renderFindingsTable } = await import('../output/findings-table.ts');
        const layerIndex = new Map(sbom.image.layers.map((l, i) => [l.diffId, i]));
        process.stdout.write(renderFindingsTable(findings, layerIndex));
      }
      if (opts.exitCode && findings.length > 0) process.exitCode = 1;
    });
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}
