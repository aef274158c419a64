// `sextant environment record ENV IMAGE`: tell a Sextant server which image digest runs in an environment (the
// server keeps the history of changes).
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { resolveServerConnection, serverClient, withServerOptions, type RecordedImage, type ServerCommandOptions } from '../server-client.ts';

const DIGEST = /^sha256:[0-9a-f]{64}$/;
// As the server accepts them (docs/api.md).
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

interface RecordOptions extends ServerCommandOptions {
  workload?: string;
  namespace?: string;
  platform?: string;
  insecureRegistry?: boolean;
}

/** Add `environment` and its subcommands to the program. */
export function registerEnvironment(program: Command): void {
  const environment = program.command('environment').description('Record which images run in which environment, on a Sextant server');
  withServerOptions(environment.command('record'))
    .description('Record that an image runs in an environment (one workload; the server keeps the history)')
    .argument('<env>', 'environment name (production, staging, …)')
    .argument('<image>', 'a manifest digest (sha256:…), or an image reference whose manifest digest is read (only its manifest and config)')
    .option('--workload <name>', 'the workload running it (default: the server\u2019s, the image\u2019s repository)')
    .option('--namespace <name>', 'the namespace of the workload')
    .option('--platform <os/arch[/variant]>', "platform to pick from a multi-platform image reference (default: the host's)")
    .option('--insecure-registry', 'allow plain HTTP to the registry')
    .action(async (env: string, image: string, opts: RecordOptions) => {
      if (!ENVIRONMENT.test(env)) throw new SextantError('USAGE', `invalid environment name "${env}" (letters, digits, ".", "_" and "-", at most 100, starting with a letter or digit)`);
      const connection = resolveServerConnection(opts);
      let digest = image;
      if (!DIGEST.test(image)) {
        if (/^sha256:/.test(image)) throw new SextantError('USAGE', `invalid digest "${image}" (sha256: and 64 lowercase hex digits)`);
        const { readImageChain } = await import('../image-chain.ts');
        digest = (await readImageChain(image, opts)).digest;
      }
      const record: RecordedImage = { digest, ...(opts.workload !== undefined ? { workload: opts.workload } : {}), ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) };
      const { added, removed } = await serverClient(connection).recordImage(env, record);
      const where = `${opts.namespace !== undefined ? `${opts.namespace}/` : ''}${opts.workload ?? ''}`;
      process.stdout.write(`${env}: ${digest}${where ? ` (${where})` : ''} recorded: ${added} added, ${removed} removed\n`);
    });
}
