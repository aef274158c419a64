// Tests for the NuGet version scheme: every public NuGet.Versioning vector, then labels, legacy versions and validity.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { nugetVersion } from './nuget.ts';
import { InvalidVersionError, sign } from './scheme.ts';

const cmp = (a: string, b: string): number => sign(nugetVersion.compare(a, b));

describe('nugetVersion against ../shared/vectors/versions/nuget.json', () => {
  it.each(versionCases('nuget'))('compare(%j, %j) = %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
  });
});

describe('nugetVersion.compare', () => {
  it.each([
    // Missing numbers are 0, leading zeros are ignored, the fourth number counts.
    ['1', '1.0.0.0', 0],
    ['1.0.0.1', '1.0.0', 1],
    ['1.0.0.1', '1.0.1', -1],
    ['2147483647.0', '2147483646.9', 1],
    // A prerelease sorts before its release; labels compare numerically when both are numbers, numbers first.
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0-2', '1.0.0-10', -1],
    ['1.0.0-10', '1.0.0-a', -1],
    ['1.0.0-rc.2', '1.0.0-rc.10', -1],
    ['1.0.0-RC.1', '1.0.0-rc.1', 0],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha-b', '1.0.0-alphab', -1],
    // int.TryParse reads a leading hyphen as a sign; labels beyond an int compare as text.
    ['1.0.0--1', '1.0.0-0', -1],
    ['1.0.0-9999999999', '1.0.0-10000000000', 1],
    // Metadata never counts.
    ['1.0.0+build.5', '1.0.0+build.6', 0],
    ['1.0.0-beta+001', '1.0.0-beta', 0],
  ] as const)('compare(%j, %j) = %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
    expect(cmp(b, a)).toBe(sign(-expected));
  });

  it('throws InvalidVersionError for a version NuGet cannot parse', () => {
    expect(() => nugetVersion.compare('v1.0', '1.0')).toThrow(InvalidVersionError);
    expect(() => nugetVersion.compare('1.0', '1.0.0.0.0')).toThrow(InvalidVersionError);
  });
});

describe('nugetVersion.isValid', () => {
  it.each([
    '1',
    '1.0',
    '1.0.0.0',
    '01.002.0003',
    '1.0.0-beta.1+sha.5114f85',
    '1.0.0+001',
    '1.0.0-0a',
    '1.0.0-x-y',
    '1.0+-',
    '  1.0.0  ',
    '1. 0',
    '2147483647.0',
  ])('accepts %j', (version) => {
    expect(nugetVersion.isValid(version)).toBe(true);
  });

  it.each([
    '',
    '   ',
    'v1.0',
    '1.0.0.0.0',
    '1.',
    '.1',
    '1..0',
    '-1.0',
    '1.0-',
    '1.0+',
    '1.0-beta+',
    '1.0-+a',
    '1.0.0-01',
    '1.0.0-beta..1',
    '1.0.0-beta_1',
    '1.0.0+a..b',
    '1.0.0+a+b',
    '2147483648.0',
    '1.a',
  ])('rejects %j', (version) => {
    expect(nugetVersion.isValid(version)).toBe(false);
  });

  it('trims as .NET does, not as JavaScript does', () => {
    expect(nugetVersion.isValid('\u00851.0\u3000')).toBe(true);
    expect(nugetVersion.isValid('\ufeff1.0')).toBe(false);
  });

  it('has the name nuget', () => {
    expect(nugetVersion.name).toBe('nuget');
  });
});
