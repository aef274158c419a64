// Conformance: every rpm fixture (rpm-sqlite, rpm-bdb, rpm-ndb) in ../shared/vectors/fixtures yields the packages its expected.json lists.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import type { ParseContext, Parser } from '../../cataloger.ts';
import { parseSourceRpm } from './packages.ts';
import { parseRpmBdb } from './parse-bdb.ts';
import { parseRpmNdb } from './parse-ndb.ts';
import { parseRpmSqlite } from './parse-sqlite.ts';

interface Expected {
  note?: string;
  inputs: string[];
  sqlite_Packages_rowcount?: number;
  packages: Record<string, unknown>[];
}

const KINDS: { kind: string; parse: Parser; path: string; minimum: number }[] = [
  { kind: 'rpm-sqlite', parse: parseRpmSqlite, path: '/var/lib/rpm/rpmdb.sqlite', minimum: 1 },
  { kind: 'rpm-bdb', parse: parseRpmBdb, path: '/var/lib/rpm/Packages', minimum: 1 },
  { kind: 'rpm-ndb', parse: parseRpmNdb, path: '/usr/lib/sysimage/rpm/Packages.db', minimum: 1 },
];

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// go-rpmdb prints a signature as `RSA/SHA256, Mon Apr  3 18:10:39 2023, Key ID 199e2f91fd431d51` (UTC, day padded
// with a space); we keep the parts, so the test prints them the same way.
function pgpLine(sig: unknown): string | null {
  if (sig === null || typeof sig !== 'object') return null;
  const { algorithm, created, keyId } = sig as { algorithm: string; created: number; keyId: string };
  const d = new Date(created * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const when = `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
  return `${algorithm}, ${when}, Key ID ${keyId}`;
}

for (const { kind, parse, path, minimum } of KINDS) {
  const root = new URL(`../../../../../shared/vectors/fixtures/${kind}/`, import.meta.url);
  const cases = existsSync(root) ? readdirSync(root).filter((d) => existsSync(new URL(`${d}/expected.json`, root))) : [];

  describe(`${kind} conformance fixtures`, () => {
    it('finds the fixtures', () => {
      expect(cases.length).toBeGreaterThanOrEqual(minimum);
    });

    for (const dir of cases) {
      it(dir, async () => {
        const e = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, root), 'utf8')) as Expected;
        const got: Package[] = [];
        for (const input of e.inputs) {
          const ctx: ParseContext = { location: { path, layerDigest: null }, distro: null, foundBy: 'rpm-db@1', readFile: () => Promise.resolve(undefined) };
          got.push(...(await parse(readFileSync(new URL(`${dir}/${input}`, root)), ctx)));
        }
        // A note saying only some packages were asserted means "at least these"; otherwise the list is complete.
        if (/only|subset|not asserted/i.test(e.note ?? '')) expect(got.length).toBeGreaterThanOrEqual(e.packages.length);
        else expect(got.length).toBe(e.packages.length);
        if (e.sqlite_Packages_rowcount !== undefined) expect(got.length).toBe(e.sqlite_Packages_rowcount);

        for (const x of e.packages) {
          const p = got.find((q) => q.name === x['name'] && (x['Arch'] === undefined || q.arch === x['Arch']));
          expect(p, `${String(x['name'])} ${String(x['Arch'])}`).toBeDefined();
          if (!p) continue;
          const m = p.metadata;
          // go-rpmdb's Version is rpm's VERSION tag alone; our version is the full [epoch:]version-release that
          // rpm compares, and the VERSION tag is kept in metadata.version.
          expect(m['version']).toBe(x['version']);
          const release = x['Release'] as string | undefined;
          const epoch = typeof x['Epoch'] === 'number' && x['Epoch'] > 0 ? `${x['Epoch']}:` : '';
          if (release !== undefined) expect(p.version).toBe(`${epoch}${String(x['version'])}-${release}`);
          if ('Epoch' in x) expect(m['epoch']).toBe(x['Epoch']);
          if ('Arch' in x) expect(p.arch).toBe(x['Arch']);
          if ('SourceRpm' in x) {
            expect(m['sourceRpm']).toBe(x['SourceRpm']);
            expect(p.source).toEqual(parseSourceRpm(x['SourceRpm'] as string));
          }
          if ('License' in x) {
            expect(m['license']).toBe(x['License']);
            expect(p.licenses).not.toBe('NOASSERTION');
          }
          if ('Vendor' in x) {
            expect(m['vendor']).toBe(x['Vendor']);
            expect(p.authors).toContain(x['Vendor']);
          }
          if ('Summary' in x) expect(p.description).toBe(x['Summary']);
          if ('Size' in x) expect(p.size).toBe(x['Size']);
          if ('SigMD5' in x) expect(m['sigMd5']).toBe(x['SigMD5']);
          if ('PGP' in x) expect(pgpLine(m['signature'])).toBe(x['PGP']);
          if ('InstallTime' in x) expect(m['installTime']).toBe(x['InstallTime']);
          if ('Provides' in x) expect(m['provides']).toEqual(x['Provides']);
          if ('Requires' in x) expect(m['requires']).toEqual(x['Requires']);
          // go-rpmdb reports an absent MODULARITYLABEL as ''; we report it as null.
          if ('Modularitylabel' in x) expect(m['modularityLabel'] ?? '').toBe(x['Modularitylabel']);
          expect(p.purl).toMatch(new RegExp(`^pkg:rpm/${escape(p.name)}@`));
          expect(p.locations).toEqual([{ path, layerDigest: null }]);
        }
      });
    }
  });
}

function escape(s: string): string {
  return encodeURIComponent(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
