// `sextant db update` through the program (in process), against a real local HTTP server serving OSV zips built
// from ../shared/vectors/osv and CISA's KEV catalogue: lines printed, warnings, one-line failures and exit codes.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FeedServer } from '../../../test/support/feed-server.ts';
import { main } from '../program.ts';

const osv = fileURLToPath(new URL('../../../../shared/vectors/osv/', import.meta.url));
const kevFile = fileURLToPath(new URL('../../../../shared/vectors/kev/known_exploited_vulnerabilities.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sextant-db-update-'));
const database = join(dir, 'advisories.sqlite');
let server: FeedServer;

const dump = (ecosystem: string) => zipSync(Object.fromEntries(readdirSync(join(osv, ecosystem)).map((n) => [n, readFileSync(join(osv, ecosystem, n))])));
const count = (ecosystem: string) => readdirSync(join(osv, ecosystem)).length;

beforeAll(async () => {
  server = await FeedServer.start();
  server.put('/npm/all.zip', dump('npm'));
  server.put('/Maven/all.zip', dump('Maven'));
  server.put('/kev.json', readFileSync(kevFile));
  server.put('/epss.csv.gz', gzipSync('#model_version:v2025.03.14,score_date:2025-11-25T12:55:00Z\ncve,epss,percentile\nCVE-2025-48384,0.9,0.99\n'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run `sextant ...args` in this process; what it printed and its exit code. */
async function sextant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(['node', 'sextant', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('sextant db update', () => {
  it('prints one line per source, then unchanged ones, with the source from SEXTANT_ADVISORY_SOURCE', async () => {
    const kevUrl = `${server.url}/kev.json`;
    const epssUrl = `${server.url}/epss.csv.gz`;
    const first = await sextant('db', 'update', '--source', server.url, '--ecosystem', 'npm,Maven', '--kev-url', kevUrl, '--epss-url', epssUrl, '--database', database);
    expect(first).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `osv:npm: updated, ${count('npm')} advisories (${count('npm')} new, 0 changed)`,
        `osv:Maven: updated, ${count('Maven')} advisories (${count('Maven')} new, 0 changed)`,
        'kev: updated, 1404 known exploited CVEs',
        'epss: updated, 1 scored CVEs',
        '',
      ].join('\n'),
    });
    vi.stubEnv('SEXTANT_ADVISORY_SOURCE', server.url);
    try {
      const again = await sextant('db', 'update', '--ecosystem', 'npm', '--ecosystem', 'Maven', '--kev-url', kevUrl, '--epss-url', epssUrl, '--database', database);
      expect(again.stdout).toBe(
        [`osv:npm: unchanged, ${count('npm')} advisories`, `osv:Maven: unchanged, ${count('Maven')} advisories`, 'kev: unchanged, 1404 known exploited CVEs', 'epss: unchanged, 1 scored CVEs', ''].join('\n'),
      );
      // Quiet prints nothing but warnings: an unreachable KEV is one, and the update still succeeds.
      const quiet = await sextant('db', 'update', '--ecosystem', 'npm', '--kev-url', `${server.url}/gone.json`, '--no-epss', '--database', database, '-q');
      expect(quiet).toEqual({
        code: 0,
        stdout: '',
        stderr: `sextant: warning: kev: unreachable, keeping the previous data (1404 known exploited CVEs): cannot download ${server.url}/gone.json: HTTP 404 Not Found\n`,
      });
    } finally {
      vi.unstubAllEnvs();
    }
    const status = await sextant('db', 'status', '--database', database);
    expect(status.stdout).toMatch(/^ {2}kev: 1404 known exploited CVEs, updated .*, etag:"[0-9a-f]+"$/m);
    expect(status.stdout).toMatch(/^ {2}epss: 1 scored CVEs, updated /m);
    expect(status.stdout).toMatch(new RegExp(`^ {2}osv:npm: ${count('npm')} advisories, updated `, 'm'));
  });

  it('fails with one line and exit 2 when a dump cannot be downloaded, and refuses contradictory options', async () => {
    const before = await sextant('db', 'status', '--database', database, '--format', 'json');
    server.put('/npm/all.zip', Buffer.from('x'), { status: 502 });
    const failed = await sextant('db', 'update', '--source', server.url, '--ecosystem', 'npm', '--no-kev', '--no-epss', '--database', database);
    expect(failed).toEqual({ code: 2, stdout: '', stderr: `sextant: cannot download ${server.url}/npm/all.zip: HTTP 502 Bad Gateway\n` });
    expect((await sextant('db', 'status', '--database', database, '--format', 'json')).stdout).toBe(before.stdout);
    // The downloads waited beside the database, and nothing of them is left.
    expect(readdirSync(dir).filter((n) => n.startsWith('sextant-update-'))).toEqual([]);
    const usage = await sextant('db', 'update', '--kev-url', 'http://x/kev.json', '--no-kev', '--database', database);
    expect(usage).toMatchObject({ code: 2, stderr: 'sextant: --kev-url and --no-kev cannot be used together\n' });
  });
});
