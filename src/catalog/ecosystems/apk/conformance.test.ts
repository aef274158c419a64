// Conformance: every apk fixture in ../shared/vectors/fixtures/apk yields the packages its expected.json lists.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeLicenses } from '../../licenses.ts';
import { parseApkInstalled } from './parse-installed.ts';

const root = new URL('../../../../../shared/vectors/fixtures/apk/', import.meta.url);
const cases = existsSync(root) ? readdirSync(root).filter((d) => existsSync(new URL(`${d}/expected.json`, root))) : [];

interface Expected {
  inputs: string[];
  packages: Record<string, unknown>[];
}

// SPDX ids inside an expression, for comparing licence sets whatever the operators.
function ids(expr: string): string[] {
  return expr.split(/[\s()]+/).filter((t) => t !== '' && !/^(AND|OR|WITH)$/.test(t));
}

describe('apk conformance fixtures', () => {
  it('finds the fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const dir of cases) {
    it(dir, () => {
      const e = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, root), 'utf8')) as Expected;
      const got = e.inputs.flatMap((input) =>
        parseApkInstalled(readFileSync(new URL(`${dir}/${input}`, root)), {
          location: { path: '/lib/apk/db/installed', layerDigest: null },
          distro: null,
          foundBy: 'apk@1',
          readFile: () => Promise.resolve(undefined),
        }),
      );
      expect(e.packages.length).toBeGreaterThan(0);
      for (const x of e.packages) {
        const p = got.find((g) => g.name === x['name']);
        expect(p, String(x['name'])).toBeDefined();
        if (!p) continue;
        expect(p.version).toBe(x['version']);
        // Syft nests the database fields under metadata; Trivy's are top-level.
        const m = (x['metadata'] ?? {}) as Record<string, unknown>;
        const arch = m['Architecture'] ?? x['Arch'];
        if (arch !== undefined) expect(p.arch).toBe(arch);
        const origin = m['OriginPackage'] ?? x['SrcName'];
        if (origin !== undefined) expect(p.source).toEqual({ name: origin, version: x['SrcVersion'] ?? p.version });
        const maintainer = m['Maintainer'] ?? x['Maintainer'];
        if (maintainer !== undefined) expect(p.authors).toEqual([maintainer]);

        const declared = (x['licenses'] ?? x['Licenses']) as string[] | undefined;
        if (declared !== undefined) {
          const ours = ids(p.licenses);
          for (const l of declared) {
            if (l === 'BSD-3-Clause' && p.metadata['license'] === 'MIT BSD GPL2+') {
              // Trivy reads a bare `BSD` as BSD-3-Clause; the database does not say which BSD licence it is, and
              // our shared normaliser guesses another clause count: we assert a BSD licence is declared.
              expect(ours.some((id) => id.startsWith('BSD-'))).toBe(true);
              continue;
            }
            if (l === 'BSD' && dir.startsWith('syft__')) {
              // Syft keeps the raw words of `L:`; ours are SPDX ids, so a bare `BSD` becomes a BSD-* id.
              expect(ours.some((id) => id.startsWith('BSD-'))).toBe(true);
              continue;
            }
            if (l === 'GPL-2.0-or-later' && p.metadata['license'] === 'GPL') {
              // Trivy reads an unversioned `GPL` as GPL-2.0-or-later. Unversioned, the GPL lets one choose any
              // version (GPL-1.0-or-later, what we produce): we assert an -or-later GPL.
              expect(ours.some((id) => /^GPL-\d\.\d-or-later$/.test(id))).toBe(true);
              continue;
            }
            // Raw words (Syft) and Trivy's SPDX ids both normalise to the id we produce.
            expect(ours).toContain(normalizeLicenses([l]));
          }
        }
        // Trivy's DependsOn are `name@version` of installed packages; ours are the names.
        const deps = ((x['DependsOn'] as string[] | undefined) ?? []).map((d) => d.slice(0, d.lastIndexOf('@')));
        expect(p.dependsOn.slice().sort()).toEqual(deps.slice().sort());
      }
    });
  }
});
