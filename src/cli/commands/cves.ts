// `sextant cves IMAGE`: the vulnerabilities of an image's packages, from the local advisory database, or from a
// server's with `--server` (which is sent only the packages' URLs and the layer digests).
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import type { SeverityRating } from '../../core/advisory.ts';
import type { ImageMetadata } from '../../core/model.ts';
import type { Finding } from '../../match/matcher.ts';
import type { BaseMatch } from '../../platform/model.ts';
import { withImageOptions, type ImageCommandOptions } from '../run-analysis.ts';
import { DATABASE_OPTION_HELP } from '../open-advisory-store.ts';
import { printLocalPayload, scanImage, withServerScanOptions, withSuppressionOptions, type ServerScanOptions, type SuppressionOptions } from '../scan-image.ts';

const RATINGS: SeverityRating[] = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];
const FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'markdown'];

interface CvesOptions extends ImageCommandOptions, SuppressionOptions, ServerScanOptions {
  format: string;
  database?: string;
  onlySeverity?: string;
  onlyFixed?: boolean;
  onlyUnfixed?: boolean;
  onlyPackageType?: string;
  onlyCisaKev?: boolean;
  ignoreBase?: boolean;
  base?: string;
  exitCode?: boolean;
  explain?: string;
  showSuppressed?: boolean;
}

/** Add `cves` to the program. */
export function registerCves(program: Command): void {
  withServerScanOptions(withSuppressionOptions(withImageOptions(program.command('cves'))))
    .description('List the known vulnerabilities of an image\u2019s packages (from the advisory database: see db import; or from a server with --server)')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | sbom://FILE | NAME[:TAG]')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'table')
    .option('--database <url>', DATABASE_OPTION_HELP)
    .option('--only-severity <list>', 'only these severities, comma-separated (critical,high,medium,low,unknown)')
    .option('--only-fixed', 'only vulnerabilities with a fix')
    .option('--only-unfixed', 'only vulnerabilities without a fix')
    .option('--only-package-type <list>', 'only packages of these purl types, comma-separated (deb,npm,…)')
    .option('--only-cisa-kev', 'only vulnerabilities in CISA\u2019s Known Exploited Vulnerabilities catalogue (see db update)')
    .option('--ignore-base', 'leave out packages the base image\u2019s layers brought (the base from --base, else the server\u2019s match with --server, else from the provenance attestation)')
    .option('--base <image>', 'the base image, for --ignore-base (any image reference; only its manifest and config are read)')
    .option('--show-suppressed', 'list the findings VEX statements and the ignore file suppressed, with why')
    .option('--exit-code', 'exit 1 when vulnerabilities remain after suppression and the filters')
    .option('--explain <id>', 'show why a vulnerability (any of its ids: CVE, GHSA, DSA…) matched, or why not')
    .action(async (image: string, opts: CvesOptions) => {
      if (!FORMATS.includes(opts.format)) throw new SextantError('USAGE', `unknown format "${opts.format}" (use ${FORMATS.join(', ')})`);
      if (opts.onlyFixed && opts.onlyUnfixed) throw new SextantError('USAGE', '--only-fixed and --only-unfixed exclude each other');
      const severities = list(opts.onlySeverity);
      const unknown = severities?.filter((s) => !RATINGS.includes(s as SeverityRating));
      if (unknown?.length) throw new SextantError('USAGE', `unknown severity "${unknown[0]}" (use ${RATINGS.join(', ')})`);
      const types = list(opts.onlyPackageType);
      if (opts.server !== undefined && opts.database !== undefined) throw new SextantError('USAGE', '--server and --database exclude each other (with --server, the server\u2019s advisory database is used)');
      if (opts.showPayload) {
        await printLocalPayload(image, opts);
        return;
      }

      // Suppression (VEX, ignore file) has happened in the scan; the filters apply to what remains and to what was
      // suppressed alike, so that the counts describe the same view.
      const report = ['sarif', 'cyclonedx', 'markdown'].includes(opts.format);
      const { sbom, findings: all, suppressed: allSuppressed, undecided, database: digest, advisories, base: serverBase } = await scanImage(image, opts, opts.database, report && !opts.explain);
      let baseNote = '';
      let inBase = (_f: Finding) => false;
      if (opts.ignoreBase) {
        const base = await baseLayers(sbom.image, opts, serverBase);
        const layers = new Set(base.diffIds);
        // A package is the base's when every layer that brought it is one of the base's.
        inBase = (f) => f.layers.length > 0 && f.layers.every((l) => layers.has(l));
        const hidden = all.filter(inBase).length;
        baseNote = `${hidden} ${hidden === 1 ? 'vulnerability' : 'vulnerabilities'} in the base image ${base.reference} (its ${base.diffIds.length} layers, from ${base.source}) not shown (--ignore-base)\n`;
      }
      const wanted = (f: Finding) =>
        !inBase(f) &&
        (!severities || severities.includes(f.severity?.rating ?? 'unknown')) &&
        (!types || types.includes(f.packageType)) &&
        (!opts.onlyFixed || f.fixedIn.length > 0) &&
        (!opts.onlyUnfixed || f.fixedIn.length === 0) &&
        (!opts.onlyCisaKev || f.kev !== null);
      const findings = all.filter(wanted);
      const suppressed = allSuppressed.filter((s) => wanted(s.finding));
      if (opts.explain) {
        const { renderExplanation } = await import('../output/explain.ts');
        const wantedId = opts.explain.trim().toUpperCase();
        const about = allSuppressed.filter((s) => s.finding.ids.some((id) => id.toUpperCase() === wantedId));
        if (opts.format === 'json') {
          // The explanation of what remains, and the suppressed findings with why.
          const explained = JSON.parse(renderExplanation(opts.explain, all, undecided, true)) as Record<string, unknown>;
          process.stdout.write(`${JSON.stringify({ ...explained, suppressed: about }, null, 2)}\n`);
          return;
        }
        process.stdout.write(renderExplanation(opts.explain, [...all, ...about.map((s) => s.finding)], undecided, false));
        if (about.length) {
          const { renderSuppressedSummary, renderSuppressedTable } = await import('../output/suppressed.ts');
          process.stdout.write(`${renderSuppressedSummary(about, true)}${renderSuppressedTable(about)}`);
        }
        return;
      }
      if (baseNote && opts.format !== 'table') process.stderr.write(`sextant: ${baseNote}`);
      if (report) {
        const { version } = await import('../version.ts');
        const input = { sbom, findings, suppressed, database: digest, toolVersion: version, advisories };
        if (opts.format === 'sarif') process.stdout.write(`${(await import('../output/findings-sarif.ts')).renderFindingsSarif(input)}`);
        else if (opts.format === 'cyclonedx') process.stdout.write(`${(await import('../output/findings-cyclonedx.ts')).renderFindingsCycloneDx(input)}`);
        else process.stdout.write(`${(await import('../output/findings-markdown.ts')).renderFindingsMarkdown(input)}`);
      } else if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify({ image: { reference: sbom.image.reference, digest: sbom.image.digest, distro: sbom.distro }, database: digest, packageCount: sbom.packageCount, findings, suppressedCount: suppressed.length, suppressed, undecided }, null, 2)}\n`);
      } else {
        const { renderFindingsTable } = await import('../output/findings-table.ts');
        const layerIndex = new Map(sbom.image.layers.map((l, i) => [l.diffId, i]));
        process.stdout.write(renderFindingsTable(findings, layerIndex));
        process.stdout.write(baseNote);
        if (suppressed.length) {
          const { renderSuppressedSummary, renderSuppressedTable } = await import('../output/suppressed.ts');
          process.stdout.write(`${renderSuppressedSummary(suppressed, opts.showSuppressed ?? false)}${opts.showSuppressed ? renderSuppressedTable(suppressed) : ''}`);
        }
      }
      if (opts.exitCode && findings.length > 0) process.exitCode = 1;
    });
}

/** The base for --ignore-base: `--base`, else the server's match (with --server), else the provenance's base image. */
async function baseLayers(image: ImageMetadata, opts: CvesOptions, serverBase: BaseMatch | null): Promise<{ reference: string; source: string; diffIds: string[] }> {
  if (!opts.base && serverBase?.base) return { reference: serverBase.base.reference, source: 'the server\u2019s base detection', diffIds: serverBase.base.layers };
  if (!opts.base && serverBase && !image.provenance?.baseImage) {
    throw new SextantError('USAGE', `--ignore-base: the server knows no base image of ${image.reference} (no stored image or catalog entry has its first layers, and no provenance attestation names one); name it with --base IMAGE`);
  }
  const { baseImageLayers } = await import('../../analyze/base-layers.ts');
  return baseImageLayers(image, opts.base, { insecureRegistry: opts.insecureRegistry ?? false });
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}
