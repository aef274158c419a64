// Conformance (shared vectors, kind ruby-gemspec) and unit tests for the gemspec parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { parseGemspec } from './parse-gemspec.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/ruby-gemspec/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string; Licenses?: string[] }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'ruby-gemspec@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('ruby-gemspec conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parseGemspec(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`)));
    for (const e of exp.packages) {
      const p = got.find((g) => g.name === e.name && g.version === e.version);
      expect(p, `${e.name}@${e.version}`).toBeDefined();
      if (e.Licenses) expect(p?.licenses).toBe(normalizeLicenses(e.Licenses));
    }
  });
});

describe('parseGemspec', () => {
  it('reads authors, description, runtime dependencies and purl', () => {
    const src = readFileSync(new URL('trivy__multiple_licenses.gemspec/multiple_licenses.gemspec', FIXTURES));
    const [p] = parseGemspec(src, ctx('/usr/local/bundle/specifications/test-unit-3.3.7.gemspec'));
    expect(p?.purl).toBe('pkg:gem/test-unit@3.3.7');
    expect(p?.authors).toEqual(['Kouhei Sutou', 'Haruka Yoshihara']);
    expect(p?.description).toMatch(/^test-unit \(Test::Unit\) is unit testing framework for Ruby, based on xUnit\nprinciples/);
    expect(p?.dependsOn).toEqual(['power_assert']);
    expect(p?.metadata['homepage']).toBe('http://test-unit.github.io/');
  });

  it('treats `licenses = "MIT"` as RubyGems does (one licence), and reads Gem::Version.new', () => {
    // Trivy's "another variable name" case drops this licence as invalid; RubyGems' setter wraps it in an array.
    const src = Buffer.from(`Gem::Specification.new do |spec|\n  spec.name = 'x'\n  spec.version = Gem::Version.new("1.2.3")\n  spec.licenses = "MIT" # x\nend\n`);
    const [p] = parseGemspec(src, ctx('/x.gemspec'));
    expect(p).toMatchObject({ name: 'x', version: '1.2.3', licenses: 'MIT' });
  });

  it('yields nothing for a file without name or version', () => {
    expect(parseGemspec(Buffer.from('# nothing\n'), ctx('/x.gemspec'))).toEqual([]);
  });
});
