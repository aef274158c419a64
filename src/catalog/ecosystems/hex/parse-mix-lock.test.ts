// Conformance (shared vectors, kind hex-mix) and unit tests for the mix.lock parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { parseMixLock } from './parse-mix-lock.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/hex-mix/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'hex-mix-lock@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('hex-mix conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parseMixLock(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/app/${f}`)));
    // Exactly the expected packages: the git dependency in the happy lockfile is not a Hex package.
    expect(got.map((p) => `${p.name}@${p.version}`).sort()).toEqual(exp.packages.map((e) => `${e.name}@${e.version}`).sort());
  });
});

describe('parseMixLock', () => {
  const LOCK = `%{
  "credo": {:hex, :credo, "1.6.6", "f51f", [:mix], [{:bunt, "~> 0.2.0", [hex: :bunt, repo: "hexpm", optional: false]}, {:jason, "~> 1.0", [hex: :jason, repo: "hexpm", optional: true]}, {:decimal, "~> 2.0", [hex: :decimal, repo: "hexpm", optional: true]}], "hexpm", "6255"},
  "bunt": {:hex, :bunt, "0.2.0", "951c", [:mix], [], "hexpm", "7af5"},
  "jason": {:hex, :jason, "1.3.0", "fa6b", [:mix], [], "hexpm", "53fc"},
  "my_secret": {:hex, :secret_lib, "2.0.1", "aaaa", [:mix, :rebar3], [], "hexpm:acme", "bbbb"},
  "esaml": {:git, "https://github.com/firezone/esaml.git", "4294a3ac", []},
  "broken": {:hex, :broken, "1.0.0", [,
}
`;

  it('reads Hex entries with purls, checksums, repos and dependency names', () => {
    const got = parseMixLock(Buffer.from(LOCK), ctx('/app/mix.lock'));
    expect(got.map((p) => p.purl)).toEqual(['pkg:hex/credo@1.6.6', 'pkg:hex/bunt@0.2.0', 'pkg:hex/jason@1.3.0', 'pkg:hex/acme/secret_lib@2.0.1']);
    expect(got[0]).toMatchObject({
      type: 'hex',
      direct: null,
      dependsOn: ['bunt', 'jason'],
      foundBy: 'hex-mix-lock@1',
      locations: [{ path: '/app/mix.lock', layerDigest: null }],
      metadata: { app: 'credo', repo: 'hexpm', checksum: 'f51f', outerChecksum: '6255', buildTools: ['mix'], optionalDependencies: ['jason', 'decimal'] },
    });
    expect(got[3]).toMatchObject({ namespace: 'acme', name: 'secret_lib', metadata: { app: 'my_secret', repo: 'hexpm:acme', buildTools: ['mix', 'rebar3'] } });
  });

  it('returns nothing for an empty or unreadable lockfile', () => {
    expect(parseMixLock(Buffer.from('%{\n}\n'), ctx('/m'))).toEqual([]);
    expect(parseMixLock(Buffer.from('\u0000\u0001garbage'), ctx('/m'))).toEqual([]);
  });
});
