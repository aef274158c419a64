// PEP 440 ordering (PyPI) through `@renovatebot/pep440`, with local version labels compared here as packaging does.
//
// The library reads each local-label segment with JavaScript's Number(), so segments such as `1e3` or `0x1f` (which
// packaging treats as text, being not all digits) become numbers. Public versions are therefore compared by the
// library and local labels (`+ubuntu.1`) by PEP 440's rules: segments split on `.`, `_`, `-`; all-digit segments
// are numbers and sort after text; text compares case-insensitively; a shorter label that is a prefix sorts first.
import { compare as comparePublic, valid } from '@renovatebot/pep440';
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

/** The version without surrounding blanks (packaging strips them), or throws InvalidVersionError. */
function readPep440(version: string): { publicPart: string; local: string | undefined } {
  const trimmed = version.trim();
  if (valid(trimmed) === null) throw new InvalidVersionError('pep440', version);
  const plus = trimmed.indexOf('+');
  return plus < 0
    ? { publicPart: trimmed, local: undefined }
    : { publicPart: trimmed.slice(0, plus), local: trimmed.slice(plus + 1) };
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0;
}

/** One local-label segment against another: numbers by value, numbers after text, text by code point. */
function compareLocalSegment(p: string, q: string): number {
  const [pNumeric, qNumeric] = [/^\d+$/.test(p), /^\d+$/.test(q)];
  if (pNumeric && qNumeric) return compareDigits(p, q);
  if (pNumeric !== qNumeric) return pNumeric ? 1 : -1;
  return p < q ? -1 : p > q ? 1 : 0;
}

/** PEP 440 local-label order; no label sorts before any label. */
function compareLocal(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const x = a.toLowerCase().split(/[._-]/);
  const y = b.toLowerCase().split(/[._-]/);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = compareLocalSegment(x[i]!, y[i]!);
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

/** PEP 440 versions as pypa/packaging orders them. */
export const pep440Version: VersionScheme = {
  name: 'pep440',
  compare(a, b) {
    const [x, y] = [readPep440(a), readPep440(b)];
    return sign(comparePublic(x.publicPart, y.publicPart) || compareLocal(x.local, y.local));
  },
  isValid: (version) => valid(version.trim()) !== null,
};
