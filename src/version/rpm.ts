// RPM version scheme: rpm 4.x `rpmvercmp` (with `~` and rpm >= 4.15 `^`) and `[epoch:]version[-release]` ordering.
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
// rpm's risalnum is ASCII-only: every other character (including non-ASCII) is a separator.
const isSeparator = (c: string): boolean => !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

/** Compares two digit runs by value, without Number overflow: strip leading zeros, then longer wins, then lexical. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * rpm's `rpmvercmp` on two bare version (or release) strings: -1, 0 or 1.
 * Strings split into runs of digits and runs of ASCII letters; other characters separate them, except
 * `~` (sorts before anything, even the end of the string) and `^` (sorts after the end, before any further segment).
 * A numeric run is newer than an alphabetic one; letters compare by byte order.
 */
export function rpmvercmp(a: string, b: string): -1 | 0 | 1 {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && isSeparator(a[i]!)) i++;
    while (j < b.length && isSeparator(b[j]!)) j++;
    const ca = a[i] ?? '';
    const cb = b[j] ?? '';

    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // A caret loses only to the end of the other string: `1.0^git1` > `1.0` but < `1.0.1`.
    if (ca === '^' || cb === '^') {
      if (ca === '') return -1;
      if (cb === '') return 1;
      if (ca !== '^') return 1;
      if (cb !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (ca === '' || cb === '') break;

    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(a[i]!)) i++;
    while (j < b.length && inSegment(b[j]!)) j++;
    // Segments of different kinds: the numeric one is newer.
    if (j === startB) return numeric ? 1 : -1;
    const segA = a.slice(startA, i);
    const segB = b.slice(startB, j);
    const order = numeric ? compareDigits(segA, segB) : segA < segB ? -1 : segA > segB ? 1 : 0;
    if (order !== 0) return sign(order);
  }
  // Whichever string still has segments left is newer.
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

interface Evr {
  epoch: string;
  version: string;
  release: string | undefined;
}

/**
 * Splits `[epoch:]version[-release]`. rpm forbids `-` in both version and release, so a string with several
 * hyphens is no EVR: it is kept whole as a bare version, which is how `rpm.vercmp` orders it.
 */
function parseEvr(text: string): Evr {
  const colon = text.indexOf(':');
  let epoch = '0';
  let rest = text;
  if (colon >= 0) {
    epoch = text.slice(0, colon);
    if (!/^[0-9]+$/.test(epoch)) throw new InvalidVersionError('rpm', text, 'epoch must be digits');
    rest = text.slice(colon + 1);
  }
  const hyphen = rest.indexOf('-');
  if (hyphen < 0 || hyphen !== rest.lastIndexOf('-')) return { epoch, version: rest, release: undefined };
  const release = rest.slice(hyphen + 1);
  return { epoch, version: rest.slice(0, hyphen), release: release === '' ? undefined : release };
}

/**
 * Orders two RPM versions: epoch (missing = 0), then version, then release with `rpmvercmp`.
 * As in rpm's dependency ranges, the release is compared only when both sides have one, so `1.0` equals `1.0-5`.
 * Bare version strings (no `:`, no `-`) compare exactly as `rpmvercmp`. Throws InvalidVersionError on a non-numeric epoch.
 */
function compare(a: string, b: string): number {
  const x = parseEvr(a);
  const y = parseEvr(b);
  const byEpoch = sign(compareDigits(x.epoch, y.epoch));
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(x.version, y.version);
  if (byVersion !== 0 || x.release === undefined || y.release === undefined) return byVersion;
  return rpmvercmp(x.release, y.release);
}

/** True for a non-empty `[epoch:]version[-release]` whose epoch, if present, is digits and whose version is non-empty. */
function isValid(version: string): boolean {
  if (version === '') return false;
  try {
    return parseEvr(version).version !== '';
  } catch {
    return false;
  }
}

/** The RPM scheme (Red Hat, Fedora, SUSE, Amazon Linux, Oracle Linux, Rocky, Alma, Mariner). */
export const rpmVersion = { name: 'rpm', compare, isValid } satisfies VersionScheme;
