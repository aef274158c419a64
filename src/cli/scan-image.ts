// An image's SBOM matched against the advisory database: what `cves` and `quickview` both show.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Advisory } from '../core/advisory.ts';
import type { Sbom } from '../core/sbom.ts';
import type { Finding, Undecided } from '../match/matcher.ts';
import type { IgnoreFile } from '../match/ignore.ts';
import { DEFAULT_IGNORE_FILE, type SuppressedFinding } from '../match/suppression.ts';
import type { VexDocument } from '../match/vex.ts';
import type { BaseMatch } from '../platform/model.ts';
import { openAdvisoryStore } from './open-advisory-store.ts';
import { runAnalysis, type ImageCommandOptions } from './run-analysis.ts';
import { resolveServerConnection, serverClient, withServerOptions, type ServerCommandOptions } from './server-client.ts';
import { version } from './version.ts';

/** The SBOM, its findings, what could not be decided, and the digest of the database they came from. */
export interface ImageScan {
  sbom: Sbom;
  /** Findings that no VEX statement or ignore entry suppressed. */
  findings: Finding[];
  /** Findings suppressed, with why. */
  suppressed: SuppressedFinding[];
  /** The ignore file used (`.sextant-ignore.yaml` or `--ignore-file`), null when none. */
  ignoreFile: string | null;
  undecided: Undecided[];
  database: string;
  /** The stored advisories the findings (suppressed ones too) matched, when asked for (`withAdvisories`; local scans only). */
  advisories: Advisory[];
  /** The server's base-image match (`--server`); null for a local scan. */
  base: BaseMatch | null;
}

/** What suppresses findings: `--vex FILE` (repeatable) and `--ignore-file FILE` (else `.sextant-ignore.yaml` here, if any). */
export interface SuppressionOptions {
  vex?: string[];
  ignoreFile?: string;
}

/** Add `--vex` and `--ignore-file` to a command that scans. */
export function withSuppressionOptions(command: Command): Command {
  return command
    .option('--vex <file>', 'OpenVEX document: not_affected and fixed statements suppress findings (repeatable)', (file: string, files: string[] | undefined) => [...(files ?? []), file])
    .option('--ignore-file <file>', `ignore file (default: ${DEFAULT_IGNORE_FILE} in the current directory, when there is one)`);
}

/**
 * `--server`, `--token` and `--show-payload`. Only an explicit `--server` makes a scan ask a server (SEXTANT_SERVER,
 * which `push` and the other server commands use, does not); the token comes from `--token` or SEXTANT_TOKEN.
 */
export interface ServerScanOptions extends ServerCommandOptions {
  showPayload?: boolean;
}

/** Add `--server`, `--token` and `--show-payload` to a command that scans. */
export function withServerScanOptions(command: Command): Command {
  return withServerOptions(command, false).option('--show-payload', 'print the local-analysis request (package URLs and layer digests) that --server sends, and exit without sending it');
}

/**
 * Analyse `image` (through the layer cache), match its packages and apply VEX documents and the ignore file (read
 * first, so a bad one fails before the image is read); warns once when the database is empty, and for each expired
 * ignore entry. With `--server`, the packages are matched by the server from the local-analysis payload instead.
 */
export async function scanImage(image: string, opts: ImageCommandOptions & SuppressionOptions & ServerScanOptions, database?: string, withAdvisories = false): Promise<ImageScan> {
  const suppressions = await loadSuppressions(opts);
  if (opts.server !== undefined) return scanOnServer(image, opts, suppressions);
  const [{ matchPackages }, { withExploitData }] = await Promise.all([import('../match/matcher.ts'), import('../match/exploits.ts')]);
  const store = await openAdvisoryStore(database);
  try {
    const { digest, advisories: stored } = await store.summary();
    if (stored === 0) process.stderr.write('sextant: warning: the advisory database is empty (load one with sextant db import)\n');
    const sbom = await analyseToSbom(image, opts);
    const matched = await matchPackages(sbom.packages, sbom.distro, store, digest);
    const enriched = await withExploitData(matched.findings, store);
    const { findings, suppressed } = await suppress(enriched, sbom, suppressions);
    const advisoryIds = withAdvisories ? [...new Set([...findings, ...suppressed.map((s) => s.finding)].flatMap((f) => f.advisoryIds))] : [];
    const advisories = (await Promise.all(advisoryIds.map((id) => store.find(id)))).flat();
    return { sbom, findings, suppressed, ignoreFile: suppressions.ignore?.path ?? null, undecided: matched.undecided, database: digest, advisories, base: null };
  } finally {
    await store.close();
  }
}

/** `--show-payload`: analyse `image` and print the local-analysis payload `--server` would send (nothing is sent). */
export async function printLocalPayload(image: string, opts: ImageCommandOptions): Promise<void> {
  const { localAnalysisPayload } = await import('../platform/local-payload.ts');
  process.stdout.write(`${JSON.stringify(localAnalysisPayload(await analyseToSbom(image, opts)), null, 2)}\n`);
}

/** The scan with the server matching: only the payload (purls and layer digests) leaves the machine. */
async function scanOnServer(image: string, opts: ImageCommandOptions & ServerScanOptions, suppressions: { vex: VexDocument[]; ignore: IgnoreFile | null }): Promise<ImageScan> {
  // A missing token or a bad URL fails before the image is read.
  const connection = resolveServerConnection(opts, process.env, false);
  const [{ localAnalysisPayload, withSbomPurls }, { baseMatch }] = await Promise.all([import('../platform/local-payload.ts'), import('../platform/base-image.ts')]);
  const sbom = await analyseToSbom(image, opts);
  const answer = await serverClient(connection).analyse(localAnalysisPayload(sbom));
  const { findings, suppressed } = await suppress(withSbomPurls(answer.findings, sbom), sbom, suppressions);
  // The server saw no provenance (it is not sent): the base it detected is set beside the one the provenance names here.
  const base = baseMatch(answer.base.base, sbom.image.provenance?.baseImage ?? null);
  return { sbom, findings, suppressed, ignoreFile: suppressions.ignore?.path ?? null, undecided: [], database: answer.database, advisories: [], base };
}

/** The image analysed with the default catalogers and assembled into its SBOM. */
async function analyseToSbom(image: string, opts: ImageCommandOptions): Promise<Sbom> {
  const [{ defaultCatalogerSet }, { assembleSbom }] = await Promise.all([import('../catalog/default-catalogers.ts'), import('../sbom/assemble.ts')]);
  const analysis = await runAnalysis(image, opts, { catalogers: defaultCatalogerSet });
  return assembleSbom(analysis.metadata, analysis.packages, version);
}

/** The VEX documents and the ignore file, read and checked; their parsers are loaded only when there is something to read. */
async function loadSuppressions(opts: SuppressionOptions): Promise<{ vex: VexDocument[]; ignore: IgnoreFile | null }> {
  let ignore: IgnoreFile | null = null;
  if (opts.ignoreFile !== undefined || existsSync(DEFAULT_IGNORE_FILE)) {
    const { loadIgnoreFile } = await import('../match/ignore.ts');
    ignore = await loadIgnoreFile(opts.ignoreFile);
  }
  if (!opts.vex?.length) return { vex: [], ignore };
  const { readVexDocument } = await import('../match/vex.ts');
  return { vex: await Promise.all(opts.vex.map((f) => readVexDocument(f))), ignore };
}

/** Findings with the VEX statements and ignore entries applied (nothing loaded when there are none). */
async function suppress(all: Finding[], sbom: Sbom, sources: { vex: VexDocument[]; ignore: IgnoreFile | null }): Promise<{ findings: Finding[]; suppressed: SuppressedFinding[] }> {
  if (sources.vex.length === 0 && (sources.ignore?.entries.length ?? 0) === 0) return { findings: all, suppressed: [] };
  const [{ applySuppressions }, { imageIdentity }] = await Promise.all([import('../match/suppress.ts'), import('../sbom/formats/image-identity.ts')]);
  // The image is named by its manifest's digest and, for statements about a multi-platform image, its index's.
  const imagePurls = [imageIdentity(sbom.image).purl, sbom.image.indexDigest ? imageIdentity({ ...sbom.image, digest: sbom.image.indexDigest }).purl : null].filter((p): p is string => p !== null);
  const result = applySuppressions(all, { vex: sources.vex, ignore: sources.ignore, imagePurls, now: new Date() });
  for (const e of result.expired) process.stderr.write(`sextant: warning: ignore entry ${e.id} expired on ${e.expires} (${sources.ignore?.path}:${e.line}); it no longer suppresses anything\n`);
  return { findings: result.findings, suppressed: result.suppressed };
}
