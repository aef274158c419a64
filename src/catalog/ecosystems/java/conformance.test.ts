// Conformance: every gradle-lockfile fixture under ../shared/vectors/fixtures yields the packages its expected.json lists.
// (There are no jar fixtures; parse-archive.test.ts builds real archives instead.)
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGradleLockfile } from './parse-gradle-lockfile.ts';
import { ctxAt } from './test-jars.ts';

interface Expected {
  inputs: string[];
  packages: Record<string, unknown>[];
}

const DIR = new URL('../../../../../shared/vectors/fixtures/gradle-lockfile/', import.meta.url);
const cases = readdirSync(DIR).sort();

describe('gradle-lockfile conformance', () => {
  it('has fixtures', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  it.each(cases)('%s', (name) => {
    const caseDir = new URL(`${name}/`, DIR);
    const expected = JSON.parse(readFileSync(new URL('expected.json', caseDir), 'utf8')) as Expected;
    const got = expected.inputs.flatMap((input) => parseGradleLockfile(readFileSync(new URL(input, caseDir)), ctxAt(`/app/${input}`)));
    // Trivy names a module `group:artifact`; ours is namespace + name. Its `Dev` is our metadata.dev.
    expect(got.length).toBe(expected.packages.length);
    for (const want of expected.packages) {
      const found = got.find((p) => `${p.namespace}:${p.name}` === want['name'] && p.version === want['version']);
      expect(found, `${String(want['name'])}@${String(want['version'])}`).toBeDefined();
      if ('Dev' in want) expect(found?.metadata['dev']).toBe(want['Dev']);
    }
  });
});
