// Tests for the Maven version scheme: every public ComparableVersion vector, then targeted quirks and validity.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { mavenVersion } from './maven.ts';
import { InvalidVersionError, sign } from './scheme.ts';

const cmp = (a: string, b: string): number => sign(mavenVersion.compare(a, b));

describe('mavenVersion against ../shared/vectors/versions/maven.json', () => {
  const cases = versionCases('maven');

  it('has the 2,023 vectors', () => {
    expect(cases).toHaveLength(2023);
  });

  it('orders every vector as ComparableVersion does', () => {
    const failures = cases
      .filter(([a, b, expected]) => cmp(a, b) !== expected)
      .map(([a, b, expected]) => `compare(${JSON.stringify(a)}, ${JSON.stringify(b)}) = ${cmp(a, b)}, not ${expected}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(failures).toHaveLength(0);
  });
});

describe('mavenVersion.compare', () => {
  it.each([
    // Trailing nulls are trimmed; separators and transitions are interchangeable.
    ['1.0.0', '1', 0],
    ['1-0', '1', 0],
    ['1.0-final', '1', 0],
    ['1.0.release', '1', 0],
    ['1-ga-0', '1', 0],
    // Qualifier order, with cr as rc and unknown qualifiers last, lexically.
    ['1-alpha', '1-beta', -1],
    ['1-milestone', '1-cr', -1],
    ['1-rc', '1-snapshot', -1],
    ['1-snapshot', '1', -1],
    ['1', '1-sp', -1],
    ['1-sp', '1-abc', -1],
    ['1-abc', '1-abd', -1],
    // a/b/m are shorthands only when a digit follows directly.
    ['1-a1', '1-alpha-1', 0],
    ['1-b2', '1-beta2', 0],
    ['1-m3', '1-milestone.3', 1],
    ['1-a', '1-alpha', 1],
    // Numbers of any length compare by value; a number outranks a qualifier.
    ['1.123456789012345678901234567890', '1.123456789012345678901234567891', -1],
    ['1.999999999', '1.1000000000', -1],
    ['1.0.1', '1.0-rc', 1],
    ['1.1', '1-1', 1],
    ['1-1', '1-sp', 1],
    // A trailing .qualifier counts as -qualifier; qualifier+digit combinations order after the bare qualifier.
    ['1.0.0.rc1', '1.0.0-rc2', -1],
    ['1.0.rc', '1-rc', 0],
    ['1-rc', '1-rc1', -1],
    ['1-ga1', '1', 1],
    ['1-ga1', '1-ga2', -1],
  ] as const)('compare(%j, %j) = %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
    expect(cmp(b, a)).toBe(sign(-expected));
  });

  it('reads Unicode digits where Java does: after a hyphen and inside a combination', () => {
    expect(cmp('1-a-\u0661', '1-a1')).toBe(0);
    expect(cmp('1-rc-\u0661\u0662', '1-rc12')).toBe(0);
  });

  it('throws InvalidVersionError where ComparableVersion fails to parse a number', () => {
    // Maven folds a surrogate pair into the digit run before it, then cannot parse that run as a number.
    expect(() => mavenVersion.compare('1\u{1F600}', '1')).toThrow(InvalidVersionError);
    expect(() => mavenVersion.compare('1', '1.\u{1F600}')).toThrow(InvalidVersionError);
    expect(() => mavenVersion.compare('a-\u0661b', '1')).toThrow(InvalidVersionError);
  });

  it('throws InvalidVersionError for blank versions', () => {
    expect(() => mavenVersion.compare('', '1')).toThrow(InvalidVersionError);
    expect(() => mavenVersion.compare('1', '  ')).toThrow(InvalidVersionError);
  });
});

describe('mavenVersion.isValid', () => {
  it.each(['1', '1.0-SNAPSHOT', 'anything at all', 'x', '-', '1..2--3', '1.0 beta'])('accepts %j', (version) => {
    expect(mavenVersion.isValid(version)).toBe(true);
  });

  it.each(['', ' ', '\t\n', '1'.repeat(257)])('rejects %j', (version) => {
    expect(mavenVersion.isValid(version)).toBe(false);
  });

  it('has the name maven', () => {
    expect(mavenVersion.name).toBe('maven');
  });
});
