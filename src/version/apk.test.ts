// Tests of the Alpine version scheme: apk-tools' own comparison and validity vectors, and order consistency.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { apkVersion } from './apk.ts';
import { InvalidVersionError, sign } from './scheme.ts';

const cases = versionCases('alpine');

describe('apkVersion against apk-tools test/unit/version.data', () => {
  it.each(cases)('compare(%j, %j) is %i', (a, b, expected) => {
    expect(sign(apkVersion.compare(a, b))).toBe(expected);
  });
});

/**
 * The validity lines of apk-tools' version.data: a bare version is valid, `!version` is not (a lone `!` is the
 * empty string). Comparison lines (`a op b`) are the cases above. The fuzzy lines (`~`, `<~`, `>~`, `!~`) are left
 * out: they test apk's prefix matching for `pkg~1.2` dependencies, which OSV ranges never use.
 */
function validityLines(): { version: string; valid: boolean }[] {
  const path = new URL('../../../shared/vectors/versions/raw/alpine_apk-tools_version.data', import.meta.url);
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '' && !line.includes(' '))
    .map((line) => (line.startsWith('!') ? { version: line.slice(1), valid: false } : { version: line, valid: true }));
}

describe('apkVersion validity against apk-tools test/unit/version.data', () => {
  const lines = validityLines();

  it('finds the validity lines', () => {
    expect(lines.filter((line) => line.valid)).toHaveLength(6);
    expect(lines.filter((line) => !line.valid)).toHaveLength(25);
  });

  it.each(lines)('isValid($version) is $valid', ({ version, valid }) => {
    expect(apkVersion.isValid(version)).toBe(valid);
  });
});

// Not in apk-tools' data: cases read off the grammar digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}, each
// token kind allowed only after the kinds before it, the hash being lowercase hex.
describe('apkVersion validity by the grammar', () => {
  it.each(['1.0a_pre1', '1.0_rc1_p2', '1.0~ab-r1', '1_p', '01.02', '1.0-r00'])('accepts %j', (version) => {
    expect(apkVersion.isValid(version)).toBe(true);
  });

  it.each(['1.0~ab~cd', '1.0-r1~ab', '1.0~AB', '1.0A', '1.0-r1a', '1.0_pre1a', '1.0.', '1..0', '1.0-1'])(
    'rejects %j',
    (version) => {
      expect(apkVersion.isValid(version)).toBe(false);
    },
  );
});

describe('apkVersion on unreadable versions', () => {
  it.each(['', 'a', '.1', '_pre1', '-r1', 'v1.0'])('throws for %j, which has no leading number', (version) => {
    expect(apkVersion.isValid(version)).toBe(false);
    expect(() => apkVersion.compare(version, '1.0')).toThrow(InvalidVersionError);
    expect(() => apkVersion.compare('1.0', version)).toThrow(InvalidVersionError);
  });

  it('names the scheme and the version in its error', () => {
    expect(() => apkVersion.compare('1.0', 'x')).toThrow(/"x" is not a valid apk version/);
  });

  it('orders a malformed tail by the readable start, as apk does, while isValid rejects it', () => {
    expect(apkVersion.isValid('1.0bc')).toBe(false);
    expect(sign(apkVersion.compare('1.0bc', '1.1'))).toBe(-1);
    expect(sign(apkVersion.compare('2.0_foo', '1.9'))).toBe(1);
  });
});

describe('apkVersion order consistency', () => {
  // Every valid version named in the vectors, sorted by the scheme: the order must be a total preorder.
  const versions = [...new Set(cases.flatMap(([a, b]) => [a, b]))].filter((v) => apkVersion.isValid(v));
  const sorted = [...versions].sort(apkVersion.compare);

  it('is reflexive and antisymmetric', () => {
    const broken: string[] = [];
    versions.forEach((a, i) => {
      if (apkVersion.compare(a, a) !== 0) broken.push(`${a} != ${a}`);
      for (const b of versions.slice(i + 1)) {
        if (sign(apkVersion.compare(a, b)) !== -sign(apkVersion.compare(b, a))) broken.push(`${a} vs ${b}`);
      }
    });
    expect(broken).toEqual([]);
  });

  it('is transitive: every version sorts at or after all versions before it', () => {
    const broken: string[] = [];
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        if (apkVersion.compare(sorted[i]!, sorted[j]!) > 0) broken.push(`${sorted[i]} > ${sorted[j]}`);
      }
    }
    expect(broken).toEqual([]);
    expect(sorted.length).toBeGreaterThan(100);
  });
});
