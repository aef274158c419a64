// Tests for the RubyGems scheme: RubyGems' and go-gem-version's vectors, and Ruby's byte-wise string order.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { gemCanonicalSegments, gemVersion } from './gem.ts';
import { InvalidVersionError, sign } from './scheme.ts';

describe('gemVersion', () => {
  const cases = versionCases('rubygems');

  it(`orders all ${cases.length} vectors as Gem::Version#<=> does`, () => {
    const failures = cases.filter(([a, b, expected]) => sign(gemVersion.compare(a, b)) !== expected);
    expect(cases.length).toBe(144);
    expect(failures).toEqual([]);
  });

  it('reads a - suffix as .pre. and drops trailing zeros before and after the first string', () => {
    expect(gemVersion.compare('1.0.0-alpha.2', '1.0.0.pre.alpha.2')).toBe(0);
    expect(gemCanonicalSegments('1.0.0.a.0')).toEqual([1n, 'a']);
    expect(gemCanonicalSegments('   ')).toEqual([]);
  });

  it('compares strings byte-wise and numbers at any size, as Ruby does', () => {
    expect(gemVersion.compare('1.0.RC1', '1.0.beta')).toBe(-1);
    expect(gemVersion.compare('1.0.rc1', '1.0.beta')).toBe(1);
    expect(gemVersion.compare('1.99999999999999999', '1.99999999999999998')).toBe(1);
  });

  it('accepts what Gem::Version.correct? accepts and refuses the rest', () => {
    const valid = ['', '1', '1.2.3.4.5', '1.0.a10', '1.0-rc.1', ' 2.0 ', '1.0-x-y'];
    const invalid = ['a', '1..2', '1.0.', '1.0-', '-1', '1.0+b', 'v1.0'];
    expect(valid.filter((v) => !gemVersion.isValid(v))).toEqual([]);
    expect(invalid.filter((v) => gemVersion.isValid(v))).toEqual([]);
    expect(() => gemVersion.compare('junk', '1')).toThrow(InvalidVersionError);
  });
});
