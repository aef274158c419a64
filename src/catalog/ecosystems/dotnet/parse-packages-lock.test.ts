// Conformance (shared vectors, kind nuget-lock) and unit tests for the packages.lock.json parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { parsePackagesLock } from './parse-packages-lock.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/nuget-lock/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string; Relationship?: string }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'nuget-lock@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('nuget-lock conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parsePackagesLock(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`)));
    for (const e of exp.packages) {
      const p = got.find((g) => g.name === e.name && g.version === e.version);
      expect(p, `${e.name}@${e.version}`).toBeDefined();
      if (e.Relationship === 'RelationshipDirect') expect(p?.direct).toBe(true);
      if (e.Relationship === 'RelationshipIndirect') expect(p?.direct).toBe(false);
    }
  });
});

describe('parsePackagesLock', () => {
  it('merges target frameworks, keeps edges and hashes, leaves projects out', () => {
    const doc = {
      version: 1,
      dependencies: {
        'net6.0': {
          Serilog: { type: 'Direct', requested: '[3.1.1, )', resolved: '3.1.1', contentHash: 'abc', dependencies: { 'System.Memory': '4.5.5' } },
          'System.Memory': { type: 'Transitive', resolved: '4.5.5' },
          'my.lib': { type: 'Project', dependencies: { Serilog: '[3.1.1, )' } },
        },
        'net8.0': { 'System.Memory': { type: 'CentralTransitive', requested: '[4.5.5, )', resolved: '4.5.5' } },
      },
    };
    const got = parsePackagesLock(Buffer.from(JSON.stringify(doc)), ctx('/src/packages.lock.json'));
    expect(got.map((p) => [p.purl, p.direct])).toEqual([
      ['pkg:nuget/Serilog@3.1.1', true],
      ['pkg:nuget/System.Memory@4.5.5', false],
    ]);
    expect(got[0]).toMatchObject({ dependsOn: ['System.Memory'], metadata: { contentHash: 'abc', requested: '[3.1.1, )' } });
    expect(got[1]?.metadata['targetFrameworks']).toEqual(['net6.0', 'net8.0']);
  });
});
