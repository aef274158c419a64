import { describe, expect, it } from 'vitest';
import { memoized } from './memoized.ts';
import { InvalidVersionError, type VersionScheme } from './scheme.ts';
import { semverVersion } from './semver.ts';

describe('memoized', () => {
  it('gives the scheme’s answers, asking it once per question, and rethrows unreadable versions every time', () => {
    let calls = 0;
    const counting: VersionScheme = { name: 'semver', compare: (a, b) => (calls++, semverVersion.compare(a, b)), isValid: (v) => (calls++, semverVersion.isValid(v)) };
    const scheme = memoized(counting);
    expect([scheme.compare('1.2.3', '1.10.0'), scheme.compare('1.2.3', '1.10.0'), scheme.compare('1.10.0', '1.2.3'), scheme.compare('2.0.0', '2.0.0')]).toEqual([-1, -1, 1, 0]);
    expect(calls).toBe(3);
    expect([scheme.isValid('1.0.0'), scheme.isValid('1.0.0'), scheme.isValid('x')]).toEqual([true, true, false]);
    expect(calls).toBe(5);
    expect(() => scheme.compare('nope', '1.0.0')).toThrow(InvalidVersionError);
    expect(() => scheme.compare('nope', '1.0.0')).toThrow(/"nope" is not a valid semver version/);
    expect(calls).toBe(6);
  });
});
