// Maven version scheme: the ordering of maven-artifact's ComparableVersion, combination items included.
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

/*
 * A version parses (lower-cased) into a tree of items, split on `.`, on `-` and on digit/letter transitions:
 *  - a number: digits with leading zeros dropped. Maven keeps int (≤ 9 digits), long (≤ 18) and BigInteger
 *    items apart and orders them by kind first, which equals numeric order for ASCII digits;
 *  - a string: a qualifier, ordered alpha < beta < milestone < rc (= cr) < snapshot < "" (= ga = final = release)
 *    < sp < anything else (lexically). `a`, `b`, `m` mean alpha, beta, milestone only when a digit follows;
 *  - a combination: a qualifier directly followed by a number (`rc1`, `alpha-2`), ordered by qualifier then number;
 *  - a list: what follows a `-` or a digit→letter transition, and a trailing `.qualifier` (`1.0.x` = `1-x`).
 * Null items (0, "", empty lists) before a qualifier or at the end of a list are trimmed, so 1.0.0 = 1 and 1.0-a = 1-a.
 * Comparing against a missing item ("null") pads the shorter list.
 */

interface NumberItem {
  readonly kind: 'number';
  /** 0 = int, 1 = long, 2 = BigInteger: chosen by digit count, compared before the value. */
  readonly width: 0 | 1 | 2;
  readonly value: bigint;
}
interface StringItem {
  readonly kind: 'string';
  readonly value: string;
}
interface CombinationItem {
  readonly kind: 'combination';
  readonly qualifier: StringItem;
  readonly number: NumberItem;
}
interface ListItem {
  readonly kind: 'list';
  readonly items: Item[];
}
type Item = NumberItem | StringItem | CombinationItem | ListItem;

/** Longer version strings are refused, as Maven does, which also bounds the list nesting that compare recurses into. */
const MAX_VERSION_LENGTH = 256;

const ZERO: NumberItem = { kind: 'number', width: 0, value: 0n };
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
const SHORTHANDS: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone' };
const RELEASE_RANK = String(QUALIFIERS.indexOf(''));

/** Java's Character.isDigit on one UTF-16 unit: any Unicode decimal digit (Nd). */
const isJavaDigit = (c: string): boolean => /^\p{Nd}$/u.test(c);

/** Java's Character.digit(c, 10), or -1. Unicode lays decimal digits out in aligned runs of ten, 0 first. */
function digitValue(c: string): number {
  if (!isJavaDigit(c)) return -1;
  let code = c.charCodeAt(0);
  let offset = 0;
  while (isJavaDigit(String.fromCharCode(code - 1))) {
    code--;
    offset++;
  }
  return offset % 10;
}

class UnparsableItem extends Error {}

/** A numeric item as Maven builds one (width from the digit count after dropping ASCII zeros, Java's digit parsing). */
function numberItem(digits: string): NumberItem {
  const stripped = digits.replace(/^0+/, '') || '0';
  let value = 0n;
  for (let i = 0; i < stripped.length; i++) {
    const d = digitValue(stripped[i]!);
    if (d < 0) throw new UnparsableItem(`${JSON.stringify(digits)} is not a number`);
    value = value * 10n + BigInt(d);
  }
  return { kind: 'number', width: stripped.length <= 9 ? 0 : stripped.length <= 18 ? 1 : 2, value };
}

function stringItem(value: string, followedByDigit: boolean): StringItem {
  if (followedByDigit && value.length === 1) value = SHORTHANDS[value] ?? value;
  return { kind: 'string', value: value === 'cr' ? 'rc' : value };
}

/** `rc1` → (rc, 1): the qualifier runs up to the first (Unicode) digit, hyphens inside are dropped. */
function combinationItem(token: string): CombinationItem {
  const text = token.replaceAll('-', '');
  let at = 0;
  while (at < text.length && !isJavaDigit(text[at]!)) at++;
  if (at === text.length) at = 0;
  return { kind: 'combination', qualifier: stringItem(text.slice(0, at), true), number: numberItem(text.slice(at)) };
}

function parseItem(isCombination: boolean, isDigit: boolean, token: string): Item {
  if (isCombination) return combinationItem(token);
  return isDigit ? numberItem(token) : stringItem(token, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'number') return item.value === 0n;
  if (item.kind === 'string') return item.value === '';
  return item.kind === 'list' && !item.items.length;
}

/** Drops null items at the end or before a qualifier, then unwraps a list left holding only a list. */
function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    if (!isNull(items[i]!)) continue;
    const next = items[i + 1];
    const head = next?.kind === 'list' ? next.items[0] : undefined;
    if (next === undefined || next.kind === 'string' || head?.kind === 'string' || head?.kind === 'combination') {
      items.splice(i, 1);
    }
  }
  const only = items.length === 1 ? items[0]! : undefined;
  if (only?.kind === 'list') items.splice(0, 1, ...only.items);
}

/** Parses like ComparableVersion.parseVersion; UnparsableItem where Maven would throw NumberFormatException. */
function parse(version: string): ListItem {
  const text = version.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  const lists = [root];
  let list = root;
  let isDigit = false;
  let isCombination = false;
  let start = 0;
  const openList = (): void => {
    const next: ListItem = { kind: 'list', items: [] };
    list.items.push(next);
    lists.push(next);
    list = next;
  };

  for (let i = 0; i < text.length; i++) {
    let c = text[i]!;
    // Maven reads a high surrogate together with the following unit (whatever it is) as one letter.
    if (c >= '\ud800' && c <= '\udbff' && i + 1 < text.length) {
      i++;
      c = 'x';
    }
    if (c === '.') {
      list.items.push(i === start ? ZERO : parseItem(isCombination, isDigit, text.slice(start, i)));
      isCombination = false;
      start = i + 1;
    } else if (c === '-') {
      if (i === start) list.items.push(ZERO);
      else if (!isDigit && i < text.length - 1 && isJavaDigit(text[i + 1]!)) {
        // `alpha-1` is read as the combination `alpha1`.
        isCombination = true;
        continue;
      } else list.items.push(parseItem(isCombination, isDigit, text.slice(start, i)));
      start = i + 1;
      if (list.items.length) openList();
      isCombination = false;
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        isCombination = true;
        if (list.items.length) openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(isCombination, true, text.slice(start, i)));
        start = i;
        openList();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    // A trailing `.qualifier` counts as `-qualifier`: 1.0.0.x < 1.0.0-x2.
    if (!isDigit && list.items.length) openList();
    list.items.push(parseItem(isCombination, isDigit, text.slice(start)));
  }
  for (let i = lists.length - 1; i >= 0; i--) normalize(lists[i]!);
  return root;
}

/** A qualifier's sort key: known ones by rank, release aliases as "", unknown ones after all of them, lexically. */
function qualifierKey(qualifier: string): string {
  if (RELEASE_QUALIFIERS.has(qualifier)) return RELEASE_RANK;
  const rank = QUALIFIERS.indexOf(qualifier);
  return rank < 0 ? `${QUALIFIERS.length}-${qualifier}` : String(rank);
}

/** Java's String.compareTo sign (UTF-16 code units). */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `a` against `b`, or against a missing item when `b` is null, with ComparableVersion's rules per pair of kinds. */
function compareItems(a: Item, b: Item | null): number {
  switch (a.kind) {
    case 'number':
      if (b === null) return a.value === 0n ? 0 : 1;
      if (b.kind !== 'number') return 1;
      return a.width - b.width || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

    case 'string':
      if (b === null) return compareText(qualifierKey(a.value), RELEASE_RANK);
      switch (b.kind) {
        case 'number':
          return -1;
        case 'string':
          return compareText(qualifierKey(a.value), qualifierKey(b.value));
        case 'combination': {
          const result = compareItems(a, b.qualifier);
          if (result !== 0) return result;
          // `x` < `x1`, but a release qualifier equals its combination with zero: `ga` = `ga0`.
          return compareItems(a, null) === 0 ? -compareItems(b.number, null) : -1;
        }
        case 'list':
          return -compareItems(b, a);
      }
      break;

    case 'combination':
      if (b === null) return compareItems(a.qualifier, null) || compareItems(a.number, null);
      switch (b.kind) {
        case 'number':
          return -1;
        case 'string': {
          const result = compareItems(a.qualifier, b);
          if (result !== 0) return result;
          return compareItems(a.qualifier, null) === 0 ? compareItems(a.number, null) : 1;
        }
        case 'combination':
          return compareItems(a.qualifier, b.qualifier) || compareItems(a.number, b.number);
        case 'list':
          return -compareItems(b, a);
      }
      break;

    case 'list': {
      if (b === null) {
        for (const item of a.items) {
          const result = compareItems(item, null);
          if (result !== 0) return result;
        }
        return 0;
      }
      if (b.kind === 'number') return -1;
      if (b.kind === 'list') {
        for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
          const left = a.items[i];
          const right = b.items[i] ?? null;
          const result = left === undefined ? -compareItems(right!, null) : compareItems(left, right);
          if (result !== 0) return result;
        }
        return 0;
      }
      // A list against a qualifier: its head against the qualifier, then the rest against nothing.
      let result = a.items.length ? compareItems(a.items[0]!, b) : -compareItems(b, null);
      for (let i = 1; result === 0 && i < a.items.length; i++) result = compareItems(a.items[i]!, null);
      return result;
    }
  }
  throw new Error('unreachable');
}

function parseOrThrow(version: string): ListItem {
  if (version.trim() === '') throw new InvalidVersionError('maven', version, 'empty');
  if (version.length > MAX_VERSION_LENGTH) {
    throw new InvalidVersionError('maven', version, `longer than ${MAX_VERSION_LENGTH} characters`);
  }
  try {
    return parse(version);
  } catch (error) {
    if (error instanceof UnparsableItem) throw new InvalidVersionError('maven', version, error.message);
    throw error;
  }
}

/** Maven (maven-artifact ComparableVersion): any non-blank string up to 256 characters orders. */
export const mavenVersion = {
  name: 'maven',
  compare(a: string, b: string): number {
    return sign(compareItems(parseOrThrow(a), parseOrThrow(b)));
  },
  isValid(version: string): boolean {
    try {
      parseOrThrow(version);
      return true;
    } catch {
      return false;
    }
  },
} satisfies VersionScheme;
