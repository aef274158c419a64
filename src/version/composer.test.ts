// Tests for the Composer scheme: composer/semver's comparison and sort vectors, normalisation, stability order.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { composerVersion, normalizeComposerVersion } from './composer.ts';
import { InvalidVersionError, sign } from './scheme.ts';

describe('composerVersion', () => {
  const cases = versionCases('composer');

  it(`orders all ${cases.length} composer/semver vectors`, () => {
    const failures = cases.filter(([a, b, expected]) => sign(composerVersion.compare(a, b)) !== expected);
    expect(cases.length).toBe(44);
    expect(failures).toEqual([]);
  });

  it('normalises as VersionParser::normalize does', () => {
    const normalized: [string, string][] = [
      ['1.0.0', '1.0.0.0'],
      ['v1.2', '1.2.0.0'],
      ['1.2.3.4', '1.2.3.4'],
      ['1.0.0-RC1', '1.0.0.0-RC1'],
      ['1.0.0-rc.1', '1.0.0.0-RC1'],
      ['1.0b2', '1.0.0.0-beta2'],
      ['1.0.0-p1', '1.0.0.0-patch1'],
      ['1.0.0-pl2', '1.0.0.0-patch2'],
      ['1.0.0-alpha.1-dev', '1.0.0.0-alpha1-dev'],
      ['1.0.0-stable', '1.0.0.0'],
      ['1.2-dev', '1.2.0.0-dev'],
      ['1.x-dev', '1.9999999.9999999.9999999-dev'],
      ['2.1.*-dev', '2.1.9999999.9999999-dev'],
      ['1.0.0+build.5', '1.0.0.0'],
      ['2023-01-31', '2023.01.31'],
      ['123456', '123456'],
      [' 1.0 ', '1.0.0.0'],
      ['1.0.0 as 2.0.0', '1.0.0.0'],
      ['1.0.0@beta', '1.0.0.0'],
      ['master', 'dev-master'],
      ['dev-feature/x', 'dev-feature/x'],
      ['DEV-foo', 'dev-foo'],
    ];
    expect(normalized.map(([v]) => [v, normalizeComposerVersion(v)])).toEqual(normalized);
  });

  it('orders stabilities dev < alpha < beta < RC < stable < patch', () => {
    const ascending = ['1.0.0-dev', '1.0.0-alpha1', '1.0.0-a2', '1.0.0-beta', '1.0.0-b.2', '1.0.0-RC1', '1.0.0-rc2'];
    ascending.push('1.0.0', '1.0.0-p1', '1.0.0-patch2', '1.0.0.1');
    const failures = ascending.flatMap((a, i) =>
      ascending.filter((b, j) => sign(composerVersion.compare(a, b)) !== sign(i - j)).map((b) => `${a} vs ${b}`),
    );
    expect(failures).toEqual([]);
  });

  it('treats padding, v and build metadata as the same version', () => {
    expect(composerVersion.compare('v1.2', '1.2.0.0')).toBe(0);
    expect(composerVersion.compare('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(composerVersion.compare('1.0-beta2', '1.0.0-b2')).toBe(0);
  });

  it('puts branches below numbered versions, default branches above, and orders branches by name', () => {
    expect(composerVersion.compare('dev-foo', '0.0.1-dev')).toBe(-1);
    expect(composerVersion.compare('dev-bar', 'dev-foo')).toBe(-1);
    expect(composerVersion.compare('dev-foo', 'dev-foo')).toBe(0);
    expect(composerVersion.compare('dev-trunk', '99999.0.0')).toBe(1);
    expect(composerVersion.compare('1.x-dev', '1.99.0')).toBe(1);
    expect(composerVersion.compare('1.x-dev', '2.0.0-dev')).toBe(-1);
  });

  it('refuses what Composer cannot normalise', () => {
    const invalid = ['', 'foo', '1.0.0-foo', '1.0.0.0.0', '1.0.0-dev-foo', 'feature-dev', '123456-foo'];
    expect(invalid.filter((v) => composerVersion.isValid(v))).toEqual([]);
    expect(() => composerVersion.compare('foo', '1.0')).toThrow(InvalidVersionError);
  });
});
