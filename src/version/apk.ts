// Alpine version scheme: apk-tools 3 `apk_version_compare` and `apk_version_validate` over digit{.digit}{letter}{_suf{#}}{~hash}{-r#}.
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

// Token kinds in grammar order: a token may only be followed by kinds its grammar allows, and when two versions
// part ways, the kind each reached decides (see compare). `end` and `invalid` close every token list.
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NUMBER = 4;
const COMMIT_HASH = 5;
const REVISION = 6;
const END = 7;
const INVALID = 8;

// Suffix ranks: pre-releases below a plain release (NO_SUFFIX), post-releases above it.
const NO_SUFFIX = 5;
const SUFFIX_RANK: ReadonlyMap<string, number> = new Map([
  ['alpha', 1],
  ['beta', 2],
  ['pre', 3],
  ['rc', 4],
  ['cvs', 6],
  ['svn', 7],
  ['git', 8],
  ['hg', 9],
  ['p', 10],
]);

interface Token {
  kind: number;
  /** The token's text: digits without the dot, the letter, the suffix name, the hash, the revision digits. */
  text: string;
}

const runOf = (text: string, from: number, allowed: RegExp): string => allowed.exec(text.slice(from))?.[0] ?? '';

/** Splits a version into tokens; the list ends with an `END` token, or an `INVALID` one where apk stops reading. */
function tokenize(version: string): Token[] {
  const first = runOf(version, 0, /^[0-9]+/);
  if (first === '') return [{ kind: INVALID, text: '' }];
  const tokens: Token[] = [{ kind: INITIAL_DIGIT, text: first }];
  let pos = first.length;
  let prev = INITIAL_DIGIT;
  const push = (kind: number, text: string, length: number): void => {
    tokens.push({ kind, text });
    prev = kind;
    pos += length;
  };

  while (pos < version.length) {
    const c = version[pos]!;
    let next: [number, string, number] | null = null;
    if (c >= 'a' && c <= 'z') {
      if (prev <= DIGIT) next = [LETTER, c, 1];
    } else if (c === '.') {
      const digits = runOf(version, pos + 1, /^[0-9]+/);
      if (prev <= DIGIT && digits !== '') next = [DIGIT, digits, 1 + digits.length];
    } else if (c >= '0' && c <= '9') {
      // Digit runs are read whole, so a digit can only start a token right after a suffix name.
      if (prev === SUFFIX) {
        const digits = runOf(version, pos, /^[0-9]+/);
        next = [SUFFIX_NUMBER, digits, digits.length];
      }
    } else if (c === '_') {
      const name = runOf(version, pos + 1, /^[a-z]+/);
      if (prev <= SUFFIX_NUMBER && SUFFIX_RANK.has(name)) next = [SUFFIX, name, 1 + name.length];
    } else if (c === '~') {
      const hash = runOf(version, pos + 1, /^[0-9a-f]+/);
      if (prev < COMMIT_HASH && hash !== '') next = [COMMIT_HASH, hash, 1 + hash.length];
    } else if (c === '-') {
      const digits = version[pos + 1] === 'r' ? runOf(version, pos + 2, /^[0-9]+/) : '';
      if (prev < REVISION && digits !== '') next = [REVISION, digits, 2 + digits.length];
    }
    if (next === null) {
      tokens.push({ kind: INVALID, text: '' });
      return tokens;
    }
    push(...next);
  }
  tokens.push({ kind: END, text: '' });
  return tokens;
}

/** Compares two digit runs by value, at any length: strip leading zeros, then the longer wins, then lexically. */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length - y.length;
  return compareText(x, y);
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compares two tokens of the same kind. */
function compareTokens(kind: number, a: string, b: string): number {
  switch (kind) {
    case DIGIT:
      // A component after a dot with a leading zero is a fraction-like string: `1.05` < `1.1`, `1.010` > `1.01`.
      return a.startsWith('0') || b.startsWith('0') ? compareText(a, b) : compareNumbers(a, b);
    case INITIAL_DIGIT:
    case SUFFIX_NUMBER:
    case REVISION:
      return compareNumbers(a, b);
    case SUFFIX:
      return SUFFIX_RANK.get(a)! - SUFFIX_RANK.get(b)!;
    default:
      // Letters and commit hashes compare as text.
      return compareText(a, b);
  }
}

/**
 * apk's order. Like apk, it reads both versions token by token and stops at the first token it cannot read, so a
 * version with a malformed tail (`1.0bc`, which isValid rejects) still orders by its readable start, as apk orders
 * it. A string that does not even start with a digit has nothing to order and throws.
 */
function compare(a: string, b: string): number {
  const x = tokenize(a);
  const y = tokenize(b);
  if (x[0]!.kind === INVALID) throw new InvalidVersionError('apk', a, 'does not start with a digit');
  if (y[0]!.kind === INVALID) throw new InvalidVersionError('apk', b, 'does not start with a digit');

  let i = 0;
  while (x[i]!.kind === y[i]!.kind && x[i]!.kind < END) {
    const order = compareTokens(x[i]!.kind, x[i]!.text, y[i]!.text);
    if (order !== 0) return sign(order);
    i++;
  }
  const ta = x[i]!;
  const tb = y[i]!;
  if (ta.kind === tb.kind) return 0;
  // One version goes on where the other stops or turns: a pre-release suffix makes it older, anything else newer;
  // between two different kinds, the one earlier in the grammar (more version still to come) is newer.
  if (ta.kind === SUFFIX && SUFFIX_RANK.get(ta.text)! < NO_SUFFIX) return -1;
  if (tb.kind === SUFFIX && SUFFIX_RANK.get(tb.text)! < NO_SUFFIX) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}

/** True when apk-tools 3 accepts the whole string as a version (`apk_version_validate`). */
function isValid(version: string): boolean {
  return tokenize(version).at(-1)!.kind === END;
}

/** Alpine (apk) versions: `1.2.3a_rc1_p2~abc123-r4` and its relatives, as apk-tools 3 orders them. */
export const apkVersion = { name: 'apk', compare, isValid } satisfies VersionScheme;
