// The benches' `sextant server` in a child process (bench/server-child.ts), so its memory and CPU are its own:
// start it and learn its URL, stop it, and drop the PostgreSQL schema a run used.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Start bench/server-child.ts with `options` (startServer's); resolves with its URL once it listens. */
export async function startServerChild(options: Record<string, unknown>, profileDir: string | null = null): Promise<{ child: ChildProcess; url: string }> {
  const flags = ['--disable-warning=ExperimentalWarning', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])];
  const child = spawn(process.execPath, [...flags, join(root, 'bench/server-child.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)));
  });
  return { child, url };
}

/** Stop the server child (SIGTERM: it finishes what is in flight) and wait for it to exit. */
export async function stopServerChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Drop a bench run's PostgreSQL schema and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
}
