// Tests of the Debian version scheme: the public vectors, a property test against the real dpkg, and refusals.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { versionCases } from '../../test/support/version-vectors.ts';
import { debVersion } from './deb.ts';
import { InvalidVersionError, sign } from './scheme.ts';
import { prng } from '../../test/support/prng.ts';

describe('debVersion against the public vectors (apt, dpkg, go-deb-version)', () => {
  it.each(versionCases('debian'))('compare(%j, %j) is %i', (a, b, expected) => {
    expect(sign(debVersion.compare(a, b))).toBe(expected);
  });
});

/** A version as pieces, so a second version can share a prefix with the first and differ only after it. */
interface Pieces {
  epoch: string | null;
  upstream: string[];
  revision: string[] | null;
}

const SEED = 0x5eed_deb;
const PAIRS = 300;

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const digits = (): string =>
    pick(['0', '00', '1', '01', '2', '9', '10', '007', '42', '100', '12345678901234567890123', '12345678901234567890124']);
  const word = (): string => pick(['a', 'b', 'z', 'A', 'Z', 'rc', 'git', 'dfsg', 'ubuntu', 'bpo', 'p']);
  const separator = (withColon: boolean, withHyphen: boolean): string =>
    pick(['.', '.', '.', '+', '~', '~', '', ...(withColon ? [':'] : []), ...(withHyphen ? ['-'] : [])]);

  /** Pieces after the first: a separator, then a digit run or letters (or nothing, to end on `~`, `+` or `.`). */
  const more = (count: number, withColon: boolean, withHyphen: boolean): string[] =>
    Array.from({ length: count }, () => separator(withColon, withHyphen) + pick([digits, digits, word, () => ''])());

  const fresh = (): Pieces => {
    const epoch = random() < 0.3 ? pick(['0', '1', '2', '01', '10']) : null;
    const revision = random() < 0.6 ? [pick([digits, word])(), ...more(Math.floor(random() * 3), false, false)] : null;
    // A hyphen inside the upstream version is legal only when a revision follows; a colon only after an epoch.
    const upstream = [digits(), ...more(Math.floor(random() * 5), epoch !== null, revision !== null)];
    return { epoch, upstream, revision };
  };

  /** A variant of `base` that keeps a prefix of it, so the comparison is decided late. */
  const variant = (base: Pieces): Pieces => {
    const other = fresh();
    switch (pick(['epoch', 'upstream', 'revision', 'fresh'])) {
      // Keep an epoch while the upstream version holds a colon, and a revision while it holds a hyphen.
      case 'epoch':
        return { ...base, epoch: other.epoch ?? (base.upstream.join('').includes(':') ? '0' : null) };
      case 'upstream': {
        const keep = base.upstream.slice(0, 1 + Math.floor(random() * base.upstream.length));
        const tail = more(Math.floor(random() * 3), base.epoch !== null, base.revision !== null);
        return { ...base, upstream: [...keep, ...tail] };
      }
      case 'revision':
        return {
          ...base,
          revision: other.revision ?? (base.upstream.join('').includes('-') || random() < 0.5 ? ['0'] : null),
        };
      default:
        return other;
    }
  };

  const render = ({ epoch, upstream, revision }: Pieces): string =>
    `${epoch === null ? '' : `${epoch}:`}${upstream.join('')}${revision === null ? '' : `-${revision.join('')}`}`;

  return { fresh, variant, render };
}

/** Orders every pair with the real dpkg in one shell process: -1, 0 or 1 per pair, or `error` if dpkg refused it. */
function dpkgOrder(pairs: [string, string][]): string[] {
  const script = `
    while [ $# -gt 0 ]; do
      if dpkg --compare-versions "$1" lt "$2" 2>/dev/null; then echo -1
      elif [ $? -ne 1 ]; then echo error
      elif dpkg --compare-versions "$1" eq "$2" 2>/dev/null; then echo 0
      else echo 1
      fi
      shift 2
    done`;
  const output = execFileSync('sh', ['-c', script, 'sh', ...pairs.flat()], { encoding: 'utf8' });
  return output.trim().split('\n');
}

describe('debVersion against the real dpkg', () => {
  it(`orders ${PAIRS} random pairs as dpkg --compare-versions does (seed ${SEED})`, () => {
    const random = prng(SEED);
    const { fresh, variant, render } = generator(random);
    const pairs: [string, string][] = [];
    for (let n = 0; n < PAIRS; n++) {
      const a = fresh();
      pairs.push([render(a), render(random() < 0.7 ? variant(a) : fresh())]);
    }
    const expected = dpkgOrder(pairs);
    expect(expected).toHaveLength(PAIRS);

    const mismatches = pairs
      .map(([a, b], n) => ({ a, b, dpkg: expected[n], ours: String(sign(debVersion.compare(a, b))) }))
      .filter(({ dpkg, ours }) => dpkg !== ours);
    expect(mismatches).toEqual([]);
    // The generator must exercise every kind of answer, or the comparison above proves little.
    expect(new Set(expected)).toEqual(new Set(['-1', '0', '1']));
  });
});

describe('debVersion validity', () => {
  // Each of these makes dpkg itself stop with "bad syntax" (exit code 2).
  const refusedByDpkg = [' ', '1:', ':1', 'a:1', '-1', '1.0-', '1:-1', '1 0', '1.0 -1', '2147483648:1', '1.0-1:2'];

  it.each(refusedByDpkg)('refuses %j, as dpkg does', (version) => {
    expect(debVersion.isValid(version)).toBe(false);
    expect(() => debVersion.compare(version, '1.0')).toThrow(InvalidVersionError);
    expect(() => debVersion.compare('1.0', version)).toThrow(InvalidVersionError);
    const dpkg = spawnSync('dpkg', ['--compare-versions', '1.0', 'lt', version], { encoding: 'utf8' });
    expect(dpkg.status).toBe(2);
  });

  // Stricter than dpkg: an empty string is dpkg's "no version" placeholder, strtol would read `+1` as an epoch,
  // and dpkg compares raw bytes, which a string outside printable ASCII does not have one way to give.
  it.each(['', '+1:2', '1.0\u00e9', '1.0\n'])('refuses %j', (version) => {
    expect(debVersion.isValid(version)).toBe(false);
    expect(() => debVersion.compare(version, '1.0')).toThrow(InvalidVersionError);
  });

  it('names the scheme and the version in its error', () => {
    expect(() => debVersion.compare('1:', '1.0')).toThrow(/"1:" is not a valid deb version \(nothing after the epoch\)/);
  });

  // dpkg only warns about these (no leading digit, characters outside policy) and compares them anyway.
  it.each(['2147483647:1', 'a1', '~1', '1.0-a_b', '1:2:3-4:5', '6.0-4.el6.x86_64', ' 1.0 ', '1.0-1-2'])(
    'accepts %j, as dpkg does',
    (version) => {
      expect(debVersion.isValid(version)).toBe(true);
      const dpkg = spawnSync('dpkg', ['--compare-versions', version, 'eq', version], { encoding: 'utf8' });
      expect(dpkg.status).toBe(0);
    },
  );

  it('orders versions dpkg warns about as dpkg does', () => {
    const pairs: [string, string][] = [
      ['~1', 'a1'],
      ['a1', '1'],
      ['1.0-a_b', '1.0-a.b'],
      ['1:2:3-4:5', '1:2:3-4.5'],
      ['6.0-4.el6.x86_64', '6.0-4.el6.x86.64'],
    ];
    const ours = pairs.map(([a, b]) => String(sign(debVersion.compare(a, b))));
    expect(ours).toEqual(dpkgOrder(pairs));
  });
});
