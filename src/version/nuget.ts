// NuGet version scheme: NuGetVersion.TryParse and the ordering of NuGet.Versioning's VersionComparer.Default.
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

/*
 * A NuGet version is `major[.minor[.patch[.revision]]][-label.label…][+metadata]`: SemVer 2.0 plus the legacy
 * fourth number. Missing numbers are 0 (1.0 = 1.0.0.0), numbers may carry leading zeros (1.01 = 1.1) and must
 * fit a 32-bit int. Labels are [0-9A-Za-z-], non-empty, with no leading zero on a numeric label; metadata parts
 * are the same but may have leading zeros, and metadata never affects the order.
 * A version with labels sorts before the same version without. Labels compare pairwise: labels that parse as an
 * int compare numerically and before the others, which compare ordinally ignoring case; fewer labels sort first.
 */

interface NuGetVersion {
  /** Major, minor, patch, revision. */
  readonly numbers: readonly number[];
  /** Release labels; empty for a release version. */
  readonly labels: readonly string[];
}

const INT_MAX = 2 ** 31 - 1;
/** .NET's char.IsWhiteSpace, which String.Trim strips (unlike JavaScript's trim, it keeps U+FEFF and strips U+0085). */
const DOTNET_SPACE = '[\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const DOTNET_TRIM = new RegExp(`^${DOTNET_SPACE}+|${DOTNET_SPACE}+$`, 'g');
/** int.TryParse with NumberStyles.Integer (no sign can occur here): white space around; .NET allows trailing NULs. */
const VERSION_NUMBER = /^[\t-\r ]*([0-9]+)[\t-\r ]*\0*$/;
const PART = /^[0-9A-Za-z-]+$/;
/** A label int.TryParse reads as a number (a leading `-` is its sign); it must also fit an int. */
const NUMERIC_LABEL = /^-?[0-9]+$/;

/** SemanticVersion.IsValidPart: non-empty [0-9A-Za-z-]; unless allowLeadingZeros, `01` is refused (`0a` is fine). */
function isValidPart(part: string, allowLeadingZeros: boolean): boolean {
  return PART.test(part) && (allowLeadingZeros || !/^0[0-9]+$/.test(part));
}

/** System.Version.TryParse after NuGet appends `.0` to a lone number: 2 to 4 non-negative ints. */
function parseNumbers(text: string): number[] | undefined {
  const parts = (text.includes('.') ? text : `${text}.0`).split('.');
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const digits = VERSION_NUMBER.exec(part)?.[1];
    const value = digits === undefined ? NaN : Number(digits);
    if (!(value <= INT_MAX)) return undefined;
    numbers.push(value);
  }
  while (numbers.length < 4) numbers.push(0);
  return numbers;
}

/** NuGetVersion.TryParse; undefined where it returns false. */
function parse(value: string): NuGetVersion | undefined {
  const text = value.replace(DOTNET_TRIM, '');
  // ParseSections: the version runs to the first `-` or `+`; labels run from a `-` to the next `+`. A separator
  // that ends the string stays in the part before it, which then fails to parse.
  const cut = text.search(/[-+]/);
  if (cut === text.length - 1) return undefined;
  const versionText = cut < 0 ? text : text.slice(0, cut);
  let labels: string[] = [];
  let metadata: string | undefined;
  if (cut >= 0 && text[cut] === '+') metadata = text.slice(cut + 1);
  else if (cut >= 0) {
    const plus = text.indexOf('+', cut + 1);
    if (plus === text.length - 1) return undefined;
    labels = text.slice(cut + 1, plus < 0 ? undefined : plus).split('.');
    if (plus >= 0) metadata = text.slice(plus + 1);
  }
  if (versionText === '') return undefined;
  const numbers = parseNumbers(versionText);
  if (numbers === undefined) return undefined;
  if (!labels.every((label) => isValidPart(label, false))) return undefined;
  if (metadata !== undefined && !metadata.split('.').every((part) => isValidPart(part, true))) return undefined;
  return { numbers, labels };
}

/** The label as int.TryParse reads it, or undefined for an alphanumeric label. */
function labelNumber(label: string): number | undefined {
  if (!NUMERIC_LABEL.test(label)) return undefined;
  const value = Number(label);
  return value >= -(2 ** 31) && value <= INT_MAX ? value : undefined;
}

/** StringComparer.OrdinalIgnoreCase on [0-9A-Za-z-] labels: upper-cased, then by UTF-16 code unit. */
function compareIgnoringCase(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLabel(a: string, b: string): number {
  const x = labelNumber(a);
  const y = labelNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareIgnoringCase(a, b);
}

function compareVersions(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    if (a.numbers[i] !== b.numbers[i]) return a.numbers[i]! - b.numbers[i]!;
  }
  if (!a.labels.length || !b.labels.length) return b.labels.length - a.labels.length;
  for (let i = 0; i < Math.min(a.labels.length, b.labels.length); i++) {
    const result = compareLabel(a.labels[i]!, b.labels[i]!);
    if (result !== 0) return result;
  }
  return a.labels.length - b.labels.length;
}

function parseOrThrow(version: string): NuGetVersion {
  const parsed = parse(version);
  if (parsed === undefined) throw new InvalidVersionError('nuget', version);
  return parsed;
}

/** NuGet (NuGet.Versioning): what NuGetVersion.TryParse accepts, ordered by VersionComparer.Default. */
export const nugetVersion = {
  name: 'nuget',
  compare(a: string, b: string): number {
    return sign(compareVersions(parseOrThrow(a), parseOrThrow(b)));
  },
  isValid(version: string): boolean {
    return parse(version) !== undefined;
  },
} satisfies VersionScheme;
