// Tests for the RPM version scheme: the public rpm vectors, then targeted cases for ~, ^, epochs, releases and long digit runs.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { rpmVersion, rpmvercmp } from './rpm.ts';
import { InvalidVersionError, sign } from './scheme.ts';

const cmp = (a: string, b: string): number => sign(rpmVersion.compare(a, b));

describe('rpmVersion against ../shared/vectors/versions/rpm.json', () => {
  it.each(versionCases('rpm'))('compare(%j, %j) = %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
  });
});

describe('rpmvercmp', () => {
  it.each([
    // ~ sorts before anything, even the end of the string.
    ['1.0~rc1', '1.0', -1],
    ['1.0~', '1.0', -1],
    ['~', '', -1],
    ['1.0~~', '1.0~', -1],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0~rc1', '1.0~beta', 1],
    // ^ sorts after the end, but before any further segment.
    ['1.0^', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['1.0^git1', '1.0a', -1],
    ['1.0^git1', '1.0^git1.1', -1],
    ['1.0^', '1.0~', 1],
    // Separators are interchangeable and runs of them count as one.
    ['1_0', '1.0', 0],
    ['1+0', '1..0', 0],
    ['1.0.', '1.0', 0],
    // Numeric segments beat alphabetic ones; letters compare by byte order.
    ['1.1', '1.a', 1],
    ['1.0A', '1.0a', -1],
    ['1.0a', '1.0', 1],
    // Leading zeros are ignored and digit runs of any length compare by value.
    ['1.010', '1.10', 0],
    ['1.123456789012345678901234567890', '1.123456789012345678901234567891', -1],
    ['99999999999999999999', '100000000000000000000', -1],
    ['1.0000000000000000000000000001', '1.1', 0],
  ] as const)('rpmvercmp(%j, %j) = %i', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
    expect(rpmvercmp(b, a)).toBe(sign(-expected));
  });
});

describe('rpmVersion.compare on epoch:version-release', () => {
  it.each([
    // A missing epoch is 0; a higher epoch wins whatever the version.
    ['0:1.0', '1.0', 0],
    ['00:1.0', '0:1.0', 0],
    ['1:1.0', '2.0', 1],
    ['10:1.0', '2:1.0', 1],
    ['18446744073709551617:1', '18446744073709551616:9', 1],
    // The release breaks ties on version, and is split at the hyphen.
    ['1.0-1', '1.0-2', -1],
    ['1.0-10', '1.0-9', 1],
    ['1.0-5', '1.0.1-1', -1],
    ['1:2.9.1-6.el7', '1:2.9.1-5.el7_2', 1],
    ['1.0-1~rc', '1.0-1', -1],
    // Release is ignored when one side has none, as in rpm's dependency ranges.
    ['1.0', '1.0-5', 0],
    ['1.0-', '1.0-5', 0],
    ['1.0', '1.1-5', -1],
    // Several hyphens are no EVR: the string orders as a bare rpmvercmp version.
    ['1-2-3-4', '1.2.3.4', 0],
  ] as const)('compare(%j, %j) = %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
    expect(cmp(b, a)).toBe(sign(-expected));
  });

  it('throws InvalidVersionError for a non-numeric epoch', () => {
    expect(() => rpmVersion.compare('a:1.0', '1.0')).toThrow(InvalidVersionError);
    expect(() => rpmVersion.compare('1.0', ':1.0')).toThrow(InvalidVersionError);
  });
});

describe('rpmVersion.isValid', () => {
  it.each(['1.0', '0:1.0-1.el9', '12:2.3~rc1^git4-0.1.fc40', '1.0_p1+b'])('accepts %j', (version) => {
    expect(rpmVersion.isValid(version)).toBe(true);
  });

  it.each(['', 'a:1.0', ':1.0', '1:', '1:-2', '-1'])('rejects %j', (version) => {
    expect(rpmVersion.isValid(version)).toBe(false);
  });

  it('has the name rpm', () => {
    expect(rpmVersion.name).toBe('rpm');
  });
});
