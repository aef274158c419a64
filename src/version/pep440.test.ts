// Tests for the PEP 440 scheme: pypa/packaging's ordering vectors, local labels, and what it refuses.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { pep440Version } from './pep440.ts';
import { InvalidVersionError, sign } from './scheme.ts';

describe('pep440Version', () => {
  const cases = versionCases('pep440');

  it(`orders all ${cases.length} pypa/packaging vectors as packaging does`, () => {
    const failures = cases
      .map(([a, b, expected]) => ({ a, b, expected, got: sign(pep440Version.compare(a, b)) }))
      .filter(({ expected, got }) => got !== expected);
    expect(cases.length).toBe(8565);
    expect(failures.slice(0, 20)).toEqual([]);
  });

  it('accepts every vector version', () => {
    const invalid = [...new Set(cases.flatMap(([a, b]) => [a, b]))].filter((v) => !pep440Version.isValid(v));
    expect(invalid).toEqual([]);
  });

  it('compares local labels as packaging does, segments that only look numeric being text', () => {
    // Each of these was checked against packaging.version.Version.
    expect(pep440Version.compare('1.0+1e3', '1.0+abc')).toBe(-1);
    expect(pep440Version.compare('1.0+0x10', '1.0+9')).toBe(-1);
    expect(pep440Version.compare('1.0+ABC', '1.0+abc')).toBe(0);
    expect(pep440Version.compare('1.0+1', '1.0+1.0')).toBe(-1);
    expect(pep440Version.compare('1.0+1_2', '1.0+1.2')).toBe(0);
    expect(pep440Version.compare('1.0+12345678901234567890', '1.0+12345678901234567891')).toBe(-1);
    expect(pep440Version.compare('1.0+zzz', '1.1')).toBe(-1);
    expect(pep440Version.compare('1.0', '1.0+0')).toBe(-1);
  });

  it('strips surrounding blanks as packaging does, and refuses what it cannot read', () => {
    expect(pep440Version.compare(' 1.0 ', '1.0')).toBe(0);
    expect(pep440Version.isValid('french toast')).toBe(false);
    expect(pep440Version.isValid('1.0+')).toBe(false);
    expect(() => pep440Version.compare('1.0.', '1.0')).toThrow(InvalidVersionError);
  });
});
