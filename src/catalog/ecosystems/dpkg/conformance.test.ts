// Conformance: every dpkg fixture in ../shared/vectors/fixtures/dpkg yields the packages its expected.json lists.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { parseDpkgStatus, resolveDpkgDependencies } from './parse-status.ts';

const root = new URL('../../../../../shared/vectors/fixtures/dpkg/', import.meta.url);
const cases = existsSync(root) ? readdirSync(root).filter((d) => existsSync(new URL(`${d}/expected.json`, root))) : [];

interface Expected {
  inputs: string[];
  packages?: Record<string, unknown>[];
  packageInfos?: { FilePath: string; packages: Record<string, unknown>[] }[];
}

// Where each input sits in an image: Syft's fixtures are bare file names from status.d/ (or opkg's status).
function imagePath(dir: string, input: string): string {
  if (input.includes('/')) return `/${input}`;
  return dir.includes('opkg') ? '/var/lib/opkg/status' : `/var/lib/dpkg/status.d/${input}`;
}

// Trivy splits a Debian version into epoch, upstream version and revision; ours is the version as written.
function debVersion(epoch: unknown, version: unknown, release: unknown): string {
  return `${epoch ? `${String(epoch)}:` : ''}${String(version)}${release ? `-${String(release)}` : ''}`;
}

function parseCase(dir: string, e: Expected): Package[] {
  const out: Package[] = [];
  for (const input of e.inputs) {
    const path = imagePath(dir, input);
    // Trivy's fixtures carry the `available` file (packages apt knows of, not installed ones) and md5sums files
    // beside the database: they are not package databases.
    if (path.endsWith('/available') || path.endsWith('.md5sums')) continue;
    const ctx: ParseContext = { location: { path, layerDigest: null }, distro: null, foundBy: 'dpkg@1', readFile: () => Promise.resolve(undefined) };
    out.push(...parseDpkgStatus(readFileSync(new URL(`${dir}/${input}`, root)), ctx));
  }
  resolveDpkgDependencies(out);
  return out;
}

describe('dpkg conformance fixtures', () => {
  it('finds the fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(11);
  });

  for (const dir of cases) {
    it(dir, () => {
      const e = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, root), 'utf8')) as Expected;
      const got = parseCase(dir, e);
      const find = (name: unknown, arch?: unknown): Package | undefined => got.find((p) => p.name === name && (arch === undefined || p.arch === arch));

      for (const x of e.packages ?? []) {
        if (x['version'] === null) {
          // Syft keeps a paragraph with a name and no version (distroless `multiple`) as a package with an empty
          // version. dpkg cannot have installed such a thing, and Trivy drops the same case: we assert it is skipped.
          expect(find(x['name'])).toBeUndefined();
          continue;
        }
        const p = find(x['name'], x['Architecture']);
        expect(p, `${String(x['name'])}`).toBeDefined();
        if (!p) continue;
        expect(p.version).toBe(x['version']);
        if (x['Architecture'] !== undefined) expect(p.arch).toBe(x['Architecture']);
        // Syft's Source is the name only; without a Source field the source is the package itself.
        expect(p.source?.name).toBe(x['Source'] ?? x['name']);
        if (x['InstalledSize'] !== undefined) {
          if (p.metadata['installedSize'] === '4KB') {
            // Syft reads `Installed-Size: 4KB` as 4000 in a field that otherwise counts KiB (4000 KiB). The field
            // says 4 kB: we assert 4000 bytes.
            expect(p.size).toBe(4000);
          } else {
            expect(p.metadata['installedSize']).toBe(String(x['InstalledSize']));
            expect(p.size).toBe((x['InstalledSize'] as number) * 1024);
          }
        }
        if (x['Maintainer'] !== undefined) expect(p.authors).toEqual([x['Maintainer']]);
      }

      const trivy = (e.packageInfos ?? []).flatMap((i) => i.packages);
      for (const x of trivy) {
        const p = find(x['Name'], x['Arch']);
        expect(p, String(x['ID'])).toBeDefined();
        if (!p) continue;
        expect(`${p.name}@${p.version}`).toBe(x['ID']);
        expect(p.version).toBe(debVersion(x['Epoch'], x['Version'], x['Release']));
        expect(p.arch).toBe(x['Arch']);
        expect(p.source).toEqual({ name: x['SrcName'], version: debVersion(x['SrcEpoch'], x['SrcVersion'], x['SrcRelease']) });
        expect(p.authors).toEqual([x['Maintainer']]);
        // Trivy's DependsOn are `name@version` of installed packages; ours are the names (versions come at assembly).
        const deps = ((x['DependsOn'] as string[] | undefined) ?? []).map((d) => d.slice(0, d.lastIndexOf('@')));
        expect(p.dependsOn.slice().sort()).toEqual(expect.arrayContaining(deps));
      }
      if (e.packageInfos !== undefined && trivy.length === 0) {
        // Trivy's `md5sums` case analyses only info/tar.md5sums, which declares no package: it is never parsed
        // as a database, while the status file beside it still yields tar.
        expect(e.inputs.some((i) => i.endsWith('.md5sums'))).toBe(true);
        expect(got.map((p) => p.name)).toEqual(['tar']);
      }
    });
  }
});
