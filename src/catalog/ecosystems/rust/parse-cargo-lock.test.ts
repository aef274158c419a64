// Conformance (shared vectors, kind rust-cargo-lock) and unit tests for the Cargo.lock parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { isSextantError } from '../../../core/errors.ts';
import { parseCargoLock } from './parse-cargo-lock.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/rust-cargo-lock/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'rust-cargo-lock@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('rust-cargo-lock conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parseCargoLock(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`)));
    for (const e of exp.packages) expect(got.find((g) => g.name === e.name && g.version === e.version), `${e.name}@${e.version}`).toBeDefined();
  });
});

const V3 = `version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "regex",
 "memchr 2.7.1",
]

[[package]]
name = "memchr"
version = "1.0.2"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "aaaa"

[[package]]
name = "memchr"
version = "2.7.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "bbbb"

[[package]]
name = "regex"
version = "1.10.3"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "cccc"
dependencies = [
 "memchr 1.0.2",
]
`;

describe('parseCargoLock', () => {
  it('marks the workspace crate, its direct dependencies by version, edges and checksums', () => {
    const got = parseCargoLock(Buffer.from(V3), ctx('/src/Cargo.lock'));
    expect(got.map((p) => [p.purl, p.direct])).toEqual([
      ['pkg:cargo/app@0.1.0', null],
      ['pkg:cargo/memchr@1.0.2', false],
      ['pkg:cargo/memchr@2.7.1', true],
      ['pkg:cargo/regex@1.10.3', true],
    ]);
    expect(got[0]).toMatchObject({ dependsOn: ['regex', 'memchr'], metadata: { workspace: true } });
    expect(got[3]?.metadata).toEqual({ source: 'registry+https://github.com/rust-lang/crates.io-index', checksum: 'cccc' });
  });

  it('reads v1 checksums from [metadata]', () => {
    const got = parseCargoLock(readFileSync(new URL('trivy__cargo_normal.lock/cargo_normal.lock', FIXTURES)), ctx('/Cargo.lock'));
    const libc = got.find((p) => p.name === 'libc');
    expect(libc?.direct).toBe(true);
    expect(typeof libc?.metadata['checksum']).toBe('string');
  });

  it('throws CORRUPT for non-TOML', () => {
    expect(() => parseCargoLock(Buffer.from('[[package]\nname='), ctx('/Cargo.lock'))).toThrow(expect.toSatisfy((e) => isSextantError(e, 'CORRUPT')));
  });
});
