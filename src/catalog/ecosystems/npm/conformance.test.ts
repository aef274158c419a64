// Conformance: every shared npm, yarn and pnpm fixture yields the packages its expected.json lists (Trivy's field
// names mapped to ours: Relationship → direct, Dev → metadata.dev, Licenses → the SPDX expression).
import { readdirSync, readFileSync } from 'node:fs';
import { npmName } from './npm-package.ts';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import type { ParseContext, Parser } from '../../cataloger.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { parsePackageLock } from './parse-package-lock.ts';
import { parsePnpmLock } from './parse-pnpm-lock.ts';
import { parseYarnLock } from './parse-yarn-lock.ts';

interface Expected {
  name: string;
  version?: string;
  Dev?: boolean;
  Relationship?: string;
  Licenses?: string[];
}

interface Fixture {
  note?: string;
  inputs: string[];
  packages: Expected[];
}

const kinds: [string, Parser][] = [
  ['npm', parsePackageLock],
  ['yarn', parseYarnLock],
  ['pnpm', parsePnpmLock],
];

/** Trivy's relationships as our `direct`; RelationshipUnknown is a v1 lockfile with no package.json beside it. */
const RELATIONSHIP: Record<string, boolean | null> = {
  RelationshipDirect: true,
  RelationshipIndirect: false,
  RelationshipUnknown: null,
};

/** Why `pkg` does not satisfy `exp`, or undefined when it does. */
function mismatch(pkg: Package, exp: Expected): string | undefined {
  if (npmName(pkg) !== exp.name) return 'name';
  // Trivy leaves the version empty where the lockfile records none (a directory dependency); so do we.
  if (pkg.version !== (exp.version ?? '')) return 'version';
  if (exp.Relationship !== undefined) {
    const want = RELATIONSHIP[exp.Relationship];
    if (want === undefined) return `unmapped relationship ${exp.Relationship}`;
    if (pkg.direct !== want) return `direct ${String(pkg.direct)} ≠ ${String(want)}`;
  }
  if (exp.Dev !== undefined && (pkg.metadata['dev'] === true) !== exp.Dev) return `dev ≠ ${exp.Dev}`;
  for (const lic of exp.Licenses ?? []) {
    // Trivy lists licences; several legacy declarations are a choice, which we write as an SPDX OR expression.
    if (!pkg.licenses.includes(normalizeLicenses([lic]))) return `licence ${lic} not in ${pkg.licenses}`;
  }
  return undefined;
}

for (const [kind, parse] of kinds) {
  describe(`${kind} conformance`, () => {
    const dir = new URL(`../../../../../shared/vectors/fixtures/${kind}/`, import.meta.url);
    const cases = readdirSync(dir).sort();
    it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
    for (const name of cases) {
      it(name, async () => {
        const caseDir = new URL(`${name}/`, dir);
        const fixture = JSON.parse(readFileSync(new URL('expected.json', caseDir), 'utf8')) as Fixture;
        const produced: Package[] = [];
        for (const input of fixture.inputs) {
          const ctx: ParseContext = {
            location: { path: `/app/${input}`, layerDigest: null },
            distro: null,
            foundBy: 'test@1',
            // The fixtures carry no package.json: direct/transitive then comes from the lockfile alone.
            readFile: () => Promise.resolve(undefined),
          };
          produced.push(...(await parse(readFileSync(new URL(input, caseDir)), ctx)));
        }
        // The project itself is reported too, marked `metadata.root` as in every ecosystem; Trivy's expectations
        // list dependencies only, so the root is checked apart: at most one, and never direct or transitive.
        const roots = produced.filter((p) => p.metadata['root'] === true);
        expect(roots.length).toBeLessThanOrEqual(1);
        for (const r of roots) expect(r.direct).toBeNull();
        const dependencies = produced.filter((p) => p.metadata['root'] !== true);
        if (fixture.packages.length === 0) {
          // A link to a workspace the lockfile does not hold installs nothing.
          expect(dependencies).toEqual([]);
          return;
        }
        const used = new Set<Package>();
        for (const exp of fixture.packages) {
          const candidates = dependencies.filter((p) => !used.has(p) && npmName(p) === exp.name);
          const match = candidates.find((p) => mismatch(p, exp) === undefined);
          if (!match) {
            const why = candidates.map((p) => `${npmName(p)}@${p.version}: ${mismatch(p, exp) ?? 'taken'}`).join('; ');
            expect.fail(`${exp.name}@${exp.version ?? ''} not produced as expected (${why || 'no package of that name'})`);
          }
          used.add(match);
          expect(match.type).toBe('npm');
          expect(match.purl).toMatch(/^pkg:npm\//);
        }
      });
    }
  });
}
