// Conformance (shared vectors, kind ruby-gemfile-lock) and unit tests for the Gemfile.lock parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { parseGemfileLock, splitPlatform } from './parse-gemfile-lock.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/ruby-gemfile-lock/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string; Relationship?: string }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'ruby-gemfile-lock@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('ruby-gemfile-lock conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parseGemfileLock(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`)));
    for (const e of exp.packages) {
      const p = got.find((g) => g.name === e.name && g.version === e.version);
      expect(p, `${e.name}@${e.version}`).toBeDefined();
      if (e.Relationship === 'RelationshipDirect') expect(p?.direct).toBe(true);
      if (e.Relationship === 'RelationshipIndirect') expect(p?.direct).toBe(false);
    }
  });
});

const LOCK = `GIT
  remote: https://github.com/example/mygem.git
  revision: 0123456789abcdef
  specs:
    mygem (0.3.0)
      rack (>= 2)

GEM
  remote: https://rubygems.org/
  specs:
    nokogiri (1.16.5-x86_64-linux)
      racc (~> 1.4)
    nokogiri (1.16.5-aarch64-linux)
      racc (~> 1.4)
    rack (3.0.11)
    racc (1.8.0)
    weird (1.0.0-rc1)

PLATFORMS
  aarch64-linux
  x86_64-linux

DEPENDENCIES
  mygem!
  nokogiri (~> 1.16)

BUNDLED WITH
   2.5.10
`;

describe('parseGemfileLock', () => {
  it('reads git sources, platform variants, dependency edges and direct flags', () => {
    const got = parseGemfileLock(Buffer.from(LOCK), ctx('/app/Gemfile.lock'));
    const by = new Map(got.map((p) => [p.name, p]));
    expect(got.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['mygem@0.3.0', 'nokogiri@1.16.5', 'racc@1.8.0', 'rack@3.0.11', 'weird@1.0.0-rc1']);
    expect(by.get('mygem')).toMatchObject({ direct: true, dependsOn: ['rack'], metadata: { source: 'GIT', remote: 'https://github.com/example/mygem.git' } });
    expect(by.get('nokogiri')).toMatchObject({ direct: true, dependsOn: ['racc'], purl: 'pkg:gem/nokogiri@1.16.5' });
    expect(by.get('nokogiri')?.metadata['platforms']).toEqual(['x86_64-linux', 'aarch64-linux']);
    expect(by.get('rack')?.direct).toBe(false);
    expect(by.get('rack')?.metadata['bundledWith']).toBe('2.5.10');
  });

  it('splits platforms only when the suffix is one', () => {
    expect(splitPlatform('1.13.6-x86_64-linux')).toEqual({ version: '1.13.6', platform: 'x86_64-linux' });
    expect(splitPlatform('9.4.3.0-java')).toEqual({ version: '9.4.3.0', platform: 'java' });
    expect(splitPlatform('1.0.0-rc1')).toEqual({ version: '1.0.0-rc1', platform: null });
  });

  it('gives a single platform as the purl qualifier', () => {
    const lock = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    jruby-openssl (0.14.2-java)\n';
    expect(parseGemfileLock(Buffer.from(lock), ctx('/Gemfile.lock'))[0]?.purl).toBe('pkg:gem/jruby-openssl@0.14.2?platform=java');
  });
});
