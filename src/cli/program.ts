// The `sextant` program: wires the commands and turns every failure into one line and exit code 2.
import { Command, CommanderError } from 'commander';
import { isSextantError } from '../core/errors.ts';
import { registerAgent } from './commands/agent.ts';
import { registerCache } from './commands/cache.ts';
import { registerCatalog } from './commands/catalog.ts';
import { registerCves } from './commands/cves.ts';
import { registerQuickview } from './commands/quickview.ts';
import { registerDb } from './commands/db.ts';
import { registerEnvironment } from './commands/environment.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerPush } from './commands/push.ts';
import { registerSbom } from './commands/sbom.ts';
import { registerSecrets } from './commands/secrets.ts';
import { registerServer } from './commands/server.ts';
import { registerWorker } from './commands/worker.ts';
import { version } from './version.ts';

/** Build the `sextant` program with all its commands. */
export function buildProgram(): Command {
  const program = new Command('sextant')
    .description('Container image analysis: metadata, SBOMs, vulnerabilities and base images.')
    .version(version, '-v, --version')
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  program.exitOverride();
  registerInspect(program);
  registerCache(program);
  registerSbom(program);
  registerSecrets(program);
  registerCves(program);
  registerQuickview(program);
  registerDb(program);
  registerPush(program);
  registerCatalog(program);
  registerEnvironment(program);
  registerServer(program);
  registerWorker(program);
  registerAgent(program);
  return program;
}

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    // A command that found what it was asked to fail on (`cves --exit-code`) sets 1.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are normal exits; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`sextant: ${describe(err)}\n`);
    if (process.env.SEXTANT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 2;
  }
}

function describe(err: unknown): string {
  if (isSextantError(err)) return err.message;
  if (err instanceof Error) return `unexpected error: ${err.message.split('\n')[0]} (set SEXTANT_DEBUG=1 for details)`;
  return `unexpected error: ${String(err)}`;
}

