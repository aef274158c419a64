// Runs the Sextant CLI from source (Node 24 strips the types) as a child process, for end-to-end tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `sextant ...args` with extra environment; resolves when it exits (or is killed after `timeoutMs`). Each run
 * gets a fresh, empty SEXTANT_HOME (so no layer cache is shared between tests) unless `env` names one.
 */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const home = env.SEXTANT_HOME ?? mkdtempSync(join(tmpdir(), 'sextant-home-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main, ...args], {
      // Plain text unless a test asks for colour: picocolors turns colour on whenever `CI` is set, as it is in CI.
      env: { ...process.env, NO_COLOR: '1', ...env, SEXTANT_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (env.SEXTANT_HOME === undefined) rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}
