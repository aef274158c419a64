// Composer (Packagist) version ordering: composer/semver's VersionParser::normalize, then PHP's version_compare.
//
// Normalising: surrounding blanks, an `as` alias and an `@stability` flag are dropped; `master`, `trunk` and
// `default` mean `dev-<name>`; build metadata (`+...`) is dropped; a classical version (optional `v`, up to four
// numeric parts padded with `.0`) or a date version (`2023-01-31`) takes an optional stability suffix
// (`alpha`/`a`, `beta`/`b`, `RC`, `patch`/`pl`/`p`, `stable`, with numbers) and an optional `-dev`; `1.x-dev`
// branches become `1.9999999.9999999.9999999-dev`; anything starting `dev-` is a branch.
// Ordering: the default branches (`dev-master`, `dev-default`, `dev-trunk`) read as `9999999-dev`, as Composer's
// Semver::sort does; other `dev-` branches sort below every numbered version and among themselves by name
// (Composer leaves two branches unordered); numbered versions compare with version_compare's rules:
// dev < alpha = a < beta = b < RC = rc < (a number) < patch = pl = p, unknown words lowest.
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

const modifier = String.raw`[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?`;
const classicalPattern = new RegExp(String.raw`^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?${modifier}$`, 'i');
const datePattern = new RegExp(String.raw`^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)${modifier}$`, 'i');
const branchPattern = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/i;
const stabilityNames: Record<string, string> = { a: 'alpha', b: 'beta', p: 'patch', pl: 'patch', rc: 'RC' };
const defaultBranches = new Set(['dev-master', 'dev-default', 'dev-trunk']);

/** VersionParser::normalize: the normalised form of a Composer version, or throws InvalidVersionError. */
export function normalizeComposerVersion(input: string): string {
  let version = input.trim();
  version = /^([^,\s]+) +as +[^,\s]+$/.exec(version)?.[1] ?? version;
  version = version.replace(/@(?:stable|RC|beta|alpha|dev)$/i, '');
  if (['master', 'trunk', 'default'].includes(version)) version = `dev-${version}`;
  if (/^dev-/i.test(version)) return `dev-${version.slice(4)}`;
  version = /^([^,\s+]+)\+\S+$/.exec(version)?.[1] ?? version;

  const classical = classicalPattern.exec(version);
  const date = classical ? null : datePattern.exec(version);
  if (classical || date) {
    const [numbers, stability, stabilityNumber, dev] = classical
      ? [`${classical[1]}${classical[2] || '.0'}${classical[3] || '.0'}${classical[4] || '.0'}`, ...classical.slice(5)]
      : [date![1]!.replace(/\D/g, '.'), ...date!.slice(2)];
    if (stability === 'stable') return numbers;
    const word = stability?.toLowerCase();
    const suffix = word ? `-${stabilityNames[word] ?? word}${(stabilityNumber ?? '').replace(/^[.-]+/, '')}` : '';
    return `${numbers}${suffix}${dev ? '-dev' : ''}`;
  }

  // Numbered branches: `1.x-dev`, `2.1.*-dev`.
  const branch = branchPattern.exec(/^(.*?)[.-]?dev$/i.exec(version)?.[1]?.trim() ?? '');
  if (branch) {
    const parts = [1, 2, 3, 4].map((i) => (branch[i] ?? '.x').replace(/[*X]/g, 'x'));
    return `${parts.join('').replaceAll('x', '9999999')}-dev`;
  }
  throw new InvalidVersionError('composer', input);
}

/** PHP's canonical form for version_compare: `-`, `_`, `+` and other non-alphanumerics become `.`, and a `.` goes
 * between a digit and a non-digit. */
function canonicalize(version: string): string {
  let out = version.slice(0, 1);
  const dot = () => {
    if (!out.endsWith('.')) out += '.';
  };
  for (let i = 1; i < version.length; i++) {
    const [previous, c] = [version[i - 1]!, version[i]!];
    if ('-_+'.includes(c)) dot();
    else if (previous !== '.' && c !== '.' && /\d/.test(previous) !== /\d/.test(c)) {
      dot();
      out += c;
    } else if (!/[0-9A-Za-z]/.test(c)) dot();
    else out += c;
  }
  return out;
}

const specialForms: [string, number][] = [
  ['dev', 0], ['alpha', 1], ['a', 1], ['beta', 2], ['b', 2], ['RC', 3], ['rc', 3], ['#', 4], ['pl', 5], ['p', 5],
];
const numberOrder = 4;

/** PHP's order of a non-numeric part: the first special form it starts with, else below all of them. */
function specialOrder(part: string): number {
  return specialForms.find(([form]) => part.startsWith(form))?.[1] ?? -1;
}

function isNumeric(part: string): boolean {
  return /^\d/.test(part);
}

function comparePart(a: string, b: string): number {
  if (isNumeric(a) && isNumeric(b)) {
    const [x, y] = [BigInt(/^\d+/.exec(a)![0]), BigInt(/^\d+/.exec(b)![0])];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return sign((isNumeric(a) ? numberOrder : specialOrder(a)) - (isNumeric(b) ? numberOrder : specialOrder(b)));
}

/** How the leftover parts of the longer version weigh: a number makes it greater, words compare with a number. */
function compareLeftover(parts: string[]): number {
  for (const part of parts) {
    if (isNumeric(part)) return 1;
    const order = sign(specialOrder(part) - numberOrder);
    if (order !== 0) return order;
  }
  return 0;
}

/** PHP's version_compare(a, b), for normalised versions (no empty parts). */
function phpVersionCompare(a: string, b: string): number {
  const [x, y] = [canonicalize(a).split('.'), canonicalize(b).split('.')];
  const common = Math.min(x.length, y.length);
  for (let i = 0; i < common; i++) {
    const order = comparePart(x[i]!, y[i]!);
    if (order !== 0) return order;
  }
  if (x.length > common) return compareLeftover(x.slice(common));
  if (y.length > common) return -compareLeftover(y.slice(common));
  return 0;
}

function orderingForm(version: string): string {
  const normalized = normalizeComposerVersion(version);
  return defaultBranches.has(normalized) ? '9999999-dev' : normalized;
}

/** Composer versions, ordered as Composer normalises and compares them. */
export const composerVersion: VersionScheme = {
  name: 'composer',
  compare(a, b) {
    const [x, y] = [orderingForm(a), orderingForm(b)];
    const [xBranch, yBranch] = [x.startsWith('dev-'), y.startsWith('dev-')];
    if (xBranch || yBranch) {
      if (!xBranch || !yBranch) return xBranch ? -1 : 1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return phpVersionCompare(x, y);
  },
  isValid(version) {
    try {
      normalizeComposerVersion(version);
      return true;
    } catch {
      return false;
    }
  },
};
