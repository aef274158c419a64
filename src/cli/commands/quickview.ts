// `sextant quickview IMAGE`: the image at a glance: vulnerabilities by severity, packages, OS, base image (locally, or
// with `--server` from a server's advisories and base detection).
import type { Command } from 'commander';
import pc from 'picocolors';
import type { SeverityRating } from '../../core/advisory.ts';
import { SextantError } from '../../core/errors.ts';
import { describeBaseMatch } from '../output/base-match.ts';
import { withImageOptions, type ImageCommandOptions } from '../run-analysis.ts';
import { DATABASE_OPTION_HELP } from '../open-advisory-store.ts';
import { printLocalPayload, scanImage, withServerScanOptions, withSuppressionOptions, type ServerScanOptions, type SuppressionOptions } from '../scan-image.ts';

const RATINGS: SeverityRating[] = ['critical', 'high', 'medium', 'low', 'unknown'];

/** Add `quickview` to the program. */
export function registerQuickview(program: Command): void {
  withServerScanOptions(withSuppressionOptions(withImageOptions(program.command('quickview'))))
    .description('Summarise an image: vulnerabilities by severity, package count and OS')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | sbom://FILE | NAME[:TAG]')
    .option('--format <format>', 'output format: table or json', 'table')
    .option('--database <url>', DATABASE_OPTION_HELP)
    .action(async (image: string, opts: ImageCommandOptions & SuppressionOptions & ServerScanOptions & { format: string; database?: string }) => {
      if (opts.format !== 'table' && opts.format !== 'json') throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      if (opts.server !== undefined && opts.database !== undefined) throw new SextantError('USAGE', '--server and --database exclude each other (with --server, the server\u2019s advisory database is used)');
      if (opts.showPayload) {
        await printLocalPayload(image, opts);
        return;
      }
      const { sbom, findings, suppressed, database, base } = await scanImage(image, opts, opts.database);
      const counts = Object.fromEntries(RATINGS.map((r) => [r, 0])) as Record<SeverityRating, number>;
      for (const f of findings) {
        const rating = f.severity?.rating ?? 'unknown';
        counts[rating === 'none' ? 'low' : rating]++;
      }
      const fixable = findings.filter((f) => f.fixedIn.length > 0).length;
      const knownExploited = findings.filter((f) => f.kev !== null).length;
      // The provenance's base image; with --server, the server's layer-chain match is shown beside it.
      const baseImage = sbom.image.provenance?.baseImage ?? null;
      const os = sbom.distro?.prettyName ?? sbom.distro?.id ?? null;
      if (opts.format === 'json') {
        const summary = { image: sbom.image.reference, digest: sbom.image.digest, os, packages: sbom.packageCount, vulnerabilities: { total: findings.length, fixable, knownExploited, ...counts, suppressed: suppressed.length }, baseImage, base, database };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const severity = RATINGS.map((r) => `${counts[r]} ${r}`).join('  ');
      const lines = [
        `${pc.bold('Image')}     ${sbom.image.reference}${sbom.image.digest ? `  ${pc.dim(sbom.image.digest)}` : ''}`,
        `${pc.bold('OS')}        ${os ?? 'unknown'}`,
        `${pc.bold('Packages')}  ${sbom.packageCount}`,
        `${pc.bold('Vulns')}     ${findings.length} (${fixable} fixable${knownExploited ? `, ${pc.red(`${knownExploited} known exploited`)}` : ''})   ${severity}${suppressed.length ? `   ${pc.dim(`${suppressed.length} suppressed`)}` : ''}`,
        `${pc.bold('Base')}      ${base ? describeBaseMatch(base) : baseImage ? `${baseImage} ${pc.dim('(from the provenance attestation)')}` : 'not known (no provenance attestation names one)'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
