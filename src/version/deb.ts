// Debian version scheme: `[epoch:]upstream[-revision]` parsed and ordered as `dpkg --compare-versions` does (deb-version(7)).
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

/** A parsed Debian version. A missing revision is `''`, which dpkg orders the same as `0`. */
interface DebVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

// dpkg keeps the epoch in an int and refuses anything above INT_MAX.
const MAX_EPOCH = 2 ** 31 - 1;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Splits a version the way dpkg's parseversion() does, or says why it is refused.
 * dpkg refuses empty strings, embedded blanks, a non-numeric or empty epoch, nothing after the epoch, an empty
 * revision and an empty upstream version. It only *warns* about an upstream version that does not start with a
 * digit and about characters outside `[A-Za-z0-9.+~-:]`, and compares such versions anyway (apt's own tests hold
 * `6.0-4.el6.x86_64`), so they are accepted here too. Stricter than dpkg: the epoch must be plain digits (strtol
 * would take `+1`), and every character must be printable ASCII, since dpkg orders bytes and these are strings.
 */
function parse(version: string): DebVersion | string {
  // dpkg trims leading and trailing blanks (space, tab) before anything else.
  const text = version.replace(/^[ \t]+|[ \t]+$/g, '');
  if (text === '') return 'empty';
  if (!/^[\x21-\x7e]+$/.test(text)) return 'blank or non-printable character inside';

  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const digits = text.slice(0, colon);
    if (!/^[0-9]+$/.test(digits)) return 'epoch is not a number';
    epoch = Number(digits);
    if (epoch > MAX_EPOCH) return 'epoch is too big';
    rest = text.slice(colon + 1);
    if (rest === '') return 'nothing after the epoch';
  }

  // The revision follows the last hyphen, so the upstream version may itself hold hyphens.
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (hyphen >= 0 && revision === '') return 'empty revision';
  if (upstream === '') return 'empty upstream version';
  return { epoch, upstream, revision };
}

/** dpkg's weight of one character outside a digit run: `~` lowest, then the end of the string, letters, all else. */
function weight(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (c === 0x7e) return -1;
  if (isDigit(c)) return 0;
  if (isLetter(c)) return c;
  return c + 256;
}

/**
 * dpkg's verrevcmp on an upstream version or a revision: alternately a non-digit run, compared character by
 * character by weight, and a digit run, compared by value (leading zeros ignored, any length).
 */
function compareDebianPart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const diff = weight(a, i) - weight(b, j);
      if (diff !== 0) return diff;
      i++;
      j++;
    }
    while (a.charCodeAt(i) === 0x30) i++;
    while (b.charCodeAt(j) === 0x30) j++;
    const startA = i;
    const startB = j;
    while (i < a.length && isDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isDigit(b.charCodeAt(j))) j++;
    // Without leading zeros, the longer run is the larger number; equal lengths compare digit by digit.
    if (i - startA !== j - startB) return i - startA - (j - startB);
    const runA = a.slice(startA, i);
    const runB = b.slice(startB, j);
    if (runA !== runB) return runA < runB ? -1 : 1;
  }
  return 0;
}

function parseOrThrow(version: string): DebVersion {
  const parsed = parse(version);
  if (typeof parsed === 'string') throw new InvalidVersionError('deb', version, parsed);
  return parsed;
}

function compare(a: string, b: string): number {
  const x = parseOrThrow(a);
  const y = parseOrThrow(b);
  if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
  return sign(compareDebianPart(x.upstream, y.upstream) || compareDebianPart(x.revision, y.revision));
}

function isValid(version: string): boolean {
  return typeof parse(version) !== 'string';
}

/** Debian (dpkg) versions: epoch, then upstream version, then revision, each as `dpkg --compare-versions` orders them. */
export const debVersion = { name: 'deb', compare, isValid } satisfies VersionScheme;
