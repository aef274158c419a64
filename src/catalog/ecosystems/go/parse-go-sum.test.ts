// Conformance (shared vectors, kind go-sum) and unit tests for the go.sum parser and Go version order.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { compareGoVersions } from './go-module.ts';
import { parseGoSum } from './parse-go-sum.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/go-sum/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'go-sum@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('go-sum conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parseGoSum(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`)));
    for (const e of exp.packages) {
      expect(got.find((g) => (g.namespace ? `${g.namespace}/${g.name}` : g.name) === e.name && g.version === e.version), `${e.name}@${e.version}`).toBeDefined();
    }
  });
});

describe('parseGoSum', () => {
  it('keeps the highest version per module and flags go.mod-only ones', () => {
    const sum = ['a.example/x v1.2.0/go.mod h1:1=', 'a.example/x v1.10.0 h1:2=', 'a.example/x v1.10.0/go.mod h1:3=', 'b.example/y v0.1.0/go.mod h1:4=', 'garbage'].join('\n');
    const got = parseGoSum(Buffer.from(sum), ctx('/go.sum'));
    expect(got.map((p) => [p.purl, p.metadata])).toEqual([
      ['pkg:golang/a.example/x@v1.10.0', { h1Digest: 'h1:2=' }],
      ['pkg:golang/b.example/y@v0.1.0', { goModOnly: true }],
    ]);
    expect(got[0]?.direct).toBeNull();
  });

  it('orders Go versions as semver, pseudo-versions and +incompatible included', () => {
    expect(compareGoVersions('v1.10.0', 'v1.9.0')).toBe(1);
    expect(compareGoVersions('v1.0.0', 'v1.0.0-rc.1')).toBe(1);
    expect(compareGoVersions('v0.0.0-20200804184101-5ec99f83aff1', 'v0.0.0-20191204190536-9bdfabe68543')).toBe(1);
    expect(compareGoVersions('v2.0.0+incompatible', 'v1.9.9')).toBe(1);
    expect(compareGoVersions('v1.0.0-alpha.2', 'v1.0.0-alpha.10')).toBe(-1);
    expect(compareGoVersions('v1.2.3', 'v1.2.3')).toBe(0);
  });
});
