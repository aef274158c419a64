// `sextant push IMAGE`: analyse an image here and send its full SBOM (metadata, provenance, packages) and its
// redacted secret findings to a Sextant server, which stores and matches it and answers with findings and base image.
import type { Command } from 'commander';
import pc from 'picocolors';
import { SextantError } from '../../core/errors.ts';
import { runAnalysis, withImageOptions, type ImageCommandOptions } from '../run-analysis.ts';
import { resolveServerConnection, serverClient, withServerOptions, type ServerCommandOptions } from '../server-client.ts';

interface PushOptions extends ImageCommandOptions, ServerCommandOptions {
  env?: string;
  format: string;
}

/** Add `push` to the program. */
export function registerPush(program: Command): void {
  withServerOptions(withImageOptions(program.command('push')))
    .description('Analyse an image and store it on a Sextant server (SBOM, metadata, provenance, redacted secrets); prints its findings and base image')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | sbom://FILE | NAME[:TAG]')
    .option('--env <name>', 'also record the image as running in this environment')
    .option('--format <format>', 'output format: table or json', 'table')
    .action(async (image: string, opts: PushOptions) => {
      if (opts.format !== 'table' && opts.format !== 'json') throw new SextantError('USAGE', `unknown format "${opts.format}" (use table or json)`);
      if (opts.env !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(opts.env)) {
        throw new SextantError('USAGE', `invalid environment name "${opts.env}" (letters, digits, ".", "_" and "-", at most 100, starting with a letter or digit)`);
      }
      // A missing server or token fails before the image is read.
      const connection = resolveServerConnection(opts);
      const [{ PUSH_ANALYSIS, pushPayloadOf }, { version }] = await Promise.all([import('../../platform/push-payload.ts'), import('../version.ts')]);
      const analysis = await runAnalysis(image, opts, PUSH_ANALYSIS);
      const payload = pushPayloadOf(analysis, version, opts.env);
      const { sbom } = payload;
      const { answer, created } = await serverClient(connection).push(payload);
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify({ ...answer, created }, null, 2)}\n`);
        return;
      }
      const [{ renderFindingsTable }, { describeBaseMatch }] = await Promise.all([import('../output/findings-table.ts'), import('../output/base-match.ts')]);
      const layerIndex = new Map(sbom.image.layers.map((l, i) => [l.diffId, i]));
      const digest = answer.image.digest ?? sbom.image.digest;
      const lines = [
        `${pc.bold(created ? 'Pushed' : 'Updated')}  ${answer.image.reference || sbom.image.reference}${digest ? `  ${pc.dim(digest)}` : ''} to ${connection.server}${opts.env !== undefined ? ` (environment ${opts.env})` : ''}`,
        `${pc.bold('Base')}    ${describeBaseMatch(answer.base)}`,
        `${pc.bold('Secrets')} ${analysis.secrets.length === 0 ? 'none found' : `${analysis.secrets.length} found (sent redacted; see sextant secrets)`}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n${renderFindingsTable(answer.findings, layerIndex)}`);
    });
}
