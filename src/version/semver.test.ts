// Tests for the SemVer scheme: node-semver's and the SemVer spec's comparison vectors, and what it refuses.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { InvalidVersionError, sign } from './scheme.ts';
import { semverVersion } from './semver.ts';

describe('semverVersion', () => {
  const cases = versionCases('semver');

  it(`orders all ${cases.length} vectors as node-semver and the SemVer spec do`, () => {
    const failures = cases.filter(([a, b, expected]) => sign(semverVersion.compare(a, b)) !== expected);
    expect(cases.length).toBe(121);
    expect(failures).toEqual([]);
  });

  it('ignores build metadata and orders pre-releases before their release', () => {
    expect(semverVersion.compare('1.0.0+build.1', '1.0.0+build.2')).toBe(0);
    expect(semverVersion.compare('1.0.0-rc.1+build', '1.0.0')).toBe(-1);
  });

  it('accepts strict SemVer only', () => {
    const valid = ['0.0.0', '1.2.3-alpha.1+build.5', '10.20.30-rc.1.x-y'];
    const invalid = ['1.2', '1', '01.2.3', '1.2.3-01', '1.2.3-', 'a.b.c', ''];
    expect(valid.filter((v) => !semverVersion.isValid(v))).toEqual([]);
    expect(invalid.filter((v) => semverVersion.isValid(v))).toEqual([]);
  });

  it('throws InvalidVersionError for what it cannot read', () => {
    expect(() => semverVersion.compare('1.2', '1.2.0')).toThrow(InvalidVersionError);
  });
});
