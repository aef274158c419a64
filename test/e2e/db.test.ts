// `sextant db import` and `db status` on the real OSV advisories in ../shared/vectors/osv.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

const osv = fileURLToPath(new URL('../../../shared/vectors/osv/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sextant-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Status {
  advisories: number;
  withdrawn: number;
  digest: string;
  sources: { name: string; count: number }[];
}

async function status(home: string): Promise<Status> {
  const r = await runCli(['db', 'status', '--format', 'json'], { SEXTANT_HOME: home });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Status;
}

describe('sextant db', () => {
  it('imports directories and a zip dump, idempotently, and reports sources, counts and a digest', async () => {
    const home = join(dir, 'home');
    // npm and Maven as directories, PyPI as an osv.dev-style zip built from the same records.
    const pypi = readdirSync(join(osv, 'PyPI')).filter((n) => n.endsWith('.json'));
    const zip = join(dir, 'PyPI-all.zip');
    writeFileSync(zip, zipSync(Object.fromEntries(pypi.map((n) => [n, readFileSync(join(osv, 'PyPI', n))]))));
    const first = await runCli(['db', 'import', join(osv, 'npm'), join(osv, 'Maven'), zip], { SEXTANT_HOME: home });
    expect(first.stderr).toBe('');
    const total = pypi.length + readdirSync(join(osv, 'npm')).length + readdirSync(join(osv, 'Maven')).length;
    expect(first.stdout).toBe(`imported ${total} advisories from ${total} documents: ${total} new, 0 updated, 0 unchanged\n`);
    const s = await status(home);
    expect(s.advisories).toBe(total);
    expect(s.withdrawn).toBeGreaterThan(0);
    expect(s.sources.map((x) => [x.name, x.count])).toEqual(
      expect.arrayContaining([[`import:${zip}`, pypi.length], [`import:${join(osv, 'npm')}`, readdirSync(join(osv, 'npm')).length]]),
    );
    // Importing the same records again changes nothing, and the digest says so.
    const again = await runCli(['db', 'import', zip], { SEXTANT_HOME: home });
    expect(again.stdout).toBe(`imported ${pypi.length} advisories from ${pypi.length} documents: 0 new, 0 updated, ${pypi.length} unchanged\n`);
    expect((await status(home)).digest).toBe(s.digest);
    const table = await runCli(['db', 'status'], { SEXTANT_HOME: home });
    expect(table.stdout).toContain(`${total} advisories`);
    expect(table.stdout).toContain(s.digest);
  }, 60_000);

  it('leaves the database as it was when an import meets bad input, with one line and exit 2', async () => {
    const home = join(dir, 'home-bad');
    await runCli(['db', 'import', join(osv, 'npm')], { SEXTANT_HOME: home });
    const before = await status(home);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"id": "GHSA-xxxx", "modified": ');
    const r = await runCli(['db', 'import', join(osv, 'Maven'), bad], { SEXTANT_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sextant: .*bad\.json: malformed JSON.*\n$/);
    const after = await status(home);
    // Maven's records came first in that import, yet none of them landed.
    expect(after.advisories).toBe(before.advisories);
    expect(after.digest).toBe(before.digest);
    const missing = await runCli(['db', 'import', join(dir, 'nowhere')], { SEXTANT_HOME: home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^sextant: .*nowhere: no such file or directory\n$/);
  }, 60_000);
});
