// RubyGems' Gem::Version ordering (`<=>`), implemented from RubyGems' documented rules.
//
// A version is blank (read as "0") or digits followed by `.`-separated alphanumeric parts, optionally a `-` suffix,
// which RubyGems rewrites to `.pre.` (so `1.0.0-alpha.2` is `1.0.0.pre.alpha.2`). Segments are runs of digits
// (numbers) or letters (strings); any string segment makes a pre-release. Trailing zeros are dropped from the
// numeric part and from the part after the first string, then segments compare pairwise with missing ones read as
// 0: a string sorts before a number, numbers compare by value, strings by byte (so `RC` < `beta`, as in Ruby).
// @renovatebot/ruby-semver was considered; it compares strings with localeCompare and numbers as doubles, which
// differs from Ruby on case (`1.0.RC1` vs `1.0.beta`) and on digits beyond 2^53.
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

type Segment = bigint | string;

// Gem::Version::ANCHORED_VERSION_PATTERN, with Ruby's \s ([ \t\r\n\f\v]) spelled out.
const gemVersionPattern = new RegExp(
  String.raw`^[ \t\r\n\f\v]*(?:[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\f\v]*$`,
);

function withoutTrailingZeros(segments: Segment[]): Segment[] {
  let end = segments.length;
  while (end > 0 && segments[end - 1] === 0n) end--;
  return segments.slice(0, end);
}

/** Gem::Version#canonical_segments of a version string, or throws InvalidVersionError. */
export function gemCanonicalSegments(version: string): Segment[] {
  if (!gemVersionPattern.test(version)) throw new InvalidVersionError('gem', version);
  const text = version.replace(/^[ \t\r\n\f\v]+|[ \t\r\n\f\v]+$/g, '').replaceAll('-', '.pre.') || '0';
  const segments = (text.match(/[0-9]+|[a-z]+/gi) ?? []).map((s): Segment => (/^\d/.test(s) ? BigInt(s) : s));
  const firstString = segments.findIndex((s) => typeof s === 'string');
  if (firstString < 0) return withoutTrailingZeros(segments);
  const [numeric, rest] = [segments.slice(0, firstString), segments.slice(firstString)];
  return [...withoutTrailingZeros(numeric), ...withoutTrailingZeros(rest)];
}

function compareSegments(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i] ?? 0n, b[i] ?? 0n];
    if (x === y) continue;
    if (typeof x !== typeof y) return typeof x === 'string' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** RubyGems versions, ordered as Gem::Version#<=>. */
export const gemVersion: VersionScheme = {
  name: 'gem',
  compare: (a, b) => sign(compareSegments(gemCanonicalSegments(a), gemCanonicalSegments(b))),
  isValid: (version) => gemVersionPattern.test(version),
};
