// `sextant secrets IMAGE`: leaked secrets in an image's files, environment, labels and history, redacted.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { runAnalysis, withImageOptions } from '../run-analysis.ts';
import type { ImageMetadata } from '../../core/model.ts';
import type { SecretFinding, SecretLocation } from '../../core/secret.ts';

/** Add `secrets` to the program. */
export function registerSecrets(program: Command): void {
  withImageOptions(program.command('secrets'))
    .description('Find leaked secrets (keys, tokens, passwords) in an image\'s files, environment, labels and history')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | NAME[:TAG]')
    .option('--format <format>', 'output format: table or json', 'table')
    .action(async (image: string, opts: { cache?: boolean; format: string; platform?: string; insecureRegistry?: boolean; quiet?: boolean }) => {
      if (opts.format !== 'table' && opts.format !== 'json') {
        throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      }
      const analysis = await runAnalysis(image, opts, { secrets: true });
      // Findings hold previews only, never the secret, so both outputs print them as they are.
      if (opts.format === 'json') process.stdout.write(`${JSON.stringify(analysis.secrets, null, 2)}\n`);
      else process.stdout.write(await renderSecretTable(analysis.secrets, analysis.metadata));
    });
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

/** The people-facing table of `secrets --format table`: one row per finding, most severe first, and a count. */
export async function renderSecretTable(findings: readonly SecretFinding[], metadata: Pick<ImageMetadata, 'layers'>): Promise<string> {
  const [{ default: Table }, { default: pc }] = await Promise.all([import('cli-table3'), import('picocolors')]);
  if (findings.length === 0) return `${pc.bold('No secrets found')}\n`;
  const layerIndex = new Map(metadata.layers.map((l, i) => [l.diffId, i]));
  const table = new Table({ head: ['severity', 'rule', 'where', 'line', 'preview'], style: { head: [], border: [] } });
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  for (const f of sorted) table.push([f.severity, f.rule, where(f.location, layerIndex), f.line === undefined ? '' : String(f.line), f.preview]);
  const counts = SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return `${table.toString()}\n${pc.bold(`${findings.length} secret${findings.length === 1 ? '' : 's'}`)} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})\n`;
}

function where(location: SecretLocation, layerIndex: ReadonlyMap<string, number>): string {
  if ('path' in location) {
    const layer = location.layer === null ? undefined : layerIndex.get(location.layer);
    return layer === undefined ? location.path : `${location.path} (layer ${layer})`;
  }
  if ('env' in location) return `env ${location.env}`;
  if ('label' in location) return `label ${location.label}`;
  return `history ${location.history}`;
}
