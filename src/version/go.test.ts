// Tests for the Go scheme: pseudo-versions, +incompatible and toolchain forms (Go module reference), and SemVer.
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { goVersion } from './go.ts';
import { InvalidVersionError, sign } from './scheme.ts';

/** Every pair of a strictly increasing list must compare by position. */
function misorderedPairs(ascending: string[]): string[] {
  const failures: string[] = [];
  ascending.forEach((a, i) =>
    ascending.forEach((b, j) => {
      const got = sign(goVersion.compare(a, b));
      if (got !== sign(i - j)) failures.push(`${a} vs ${b}: ${got}`);
    }),
  );
  return failures;
}

describe('goVersion', () => {
  it('orders pseudo-versions as the Go module reference describes', () => {
    expect(
      misorderedPairs([
        'v0.0.0-20191109021931-daa7c04131f5', // no base version: vX.0.0-timestamp-revision
        'v0.0.0-20200101000000-abcdefabcdef', // same base: chronological
        'v0.1.0',
        'v1.2.3',
        'v1.2.4-0.20191109021931-daa7c04131f5', // base v1.2.3: above it ...
        'v1.2.4-0.20200101000000-abcdefabcdef',
        'v1.2.4-alpha', // ... and below other pre-releases of v1.2.4
        'v1.2.4-pre',
        'v1.2.4-pre.0.20191109021931-daa7c04131f5', // base v1.2.4-pre
        'v1.2.4-pre.1',
        'v1.2.4',
        'v2.0.0+incompatible',
        'v2.0.1-0.20190101000000-abcdefabcdef+incompatible',
        'v2.0.1',
      ]),
    ).toEqual([]);
  });

  it('orders toolchain versions, with or without the go prefix', () => {
    const ascending = ['go1', 'go1.9beta1', 'go1.9rc1', 'go1.9', 'go1.9.1', 'go1.20', '1.21.0-rc.1', 'go1.21rc2', 'go1.21.0'];
    expect(misorderedPairs([...ascending, '1.22.5'])).toEqual([]);
  });

  it('reads OSV, go.mod and toolchain spellings of the same version alike', () => {
    const same: [string, string][] = [
      ['1.2.3', 'v1.2.3'],
      ['v2.0.0+incompatible', '2.0.0'],
      ['v1.2', 'v1.2.0'],
      ['v1', '1.0.0'],
      ['go1.22', '1.22.0'],
      ['go1.22.5', 'v1.22.5'],
      ['go1.21rc2', '1.21.0-rc.2'],
      ['go1.9beta1', '1.9.0-beta.1'],
      ['v0.0.0-20191109021931-daa7c04131f5', '0.0.0-20191109021931-daa7c04131f5'],
    ];
    expect(same.filter(([a, b]) => goVersion.compare(a, b) !== 0)).toEqual([]);
  });

  it('orders the SemVer vectors with a v on both sides and on one side', () => {
    const cases = versionCases('semver');
    const failures = cases.flatMap(([a, b, expected]) =>
      [
        [`v${a}`, `v${b}`],
        [`v${a}`, b],
        [a, `v${b}`],
      ].filter(([x, y]) => sign(goVersion.compare(x!, y!)) !== expected),
    );
    expect(cases.length).toBe(121);
    expect(failures).toEqual([]);
  });

  it('refuses what Go does not accept', () => {
    const valid = ['v1.2.3', '1.2.3', 'v1', 'v1.2', 'go1.21rc2', 'go1.22.5', 'v1.2.3-pre+incompatible'];
    const invalid = ['v1.2-pre', 'v1-pre', 'vv1.2.3', ' 1.2.3', '1.2.3 ', '=1.2.3', 'v01.2.3', 'v1.2.3-01'];
    const notToolchain = ['go', 'gov1.2.3', 'go1.21.0-rc.2', 'go1.21-rc2', 'latest', ''];
    expect(valid.filter((v) => !goVersion.isValid(v))).toEqual([]);
    expect([...invalid, ...notToolchain].filter((v) => goVersion.isValid(v))).toEqual([]);
    expect(() => goVersion.compare('latest', 'v1.0.0')).toThrow(InvalidVersionError);
  });
});
