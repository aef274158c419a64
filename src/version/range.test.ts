import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AffectedRange, RangeEvent } from '../core/advisory.ts';
import semver from 'semver';
import { debVersion } from './deb.ts';
import { semverVersion } from './semver.ts';
import { affects } from './range.ts';
import type { VersionScheme } from './scheme.ts';
import { prng } from '../../test/support/prng.ts';

const eco = (...events: RangeEvent[]): AffectedRange => ({ type: 'ECOSYSTEM', events });

describe('affects (OSV evaluation)', () => {
  it('an unfixed range affects every version', () => {
    expect(affects(debVersion, '0.1-1', [eco({ introduced: '0' })])).toMatchObject({ affected: true, matched: '>=0', fixedIn: [] });
  });

  it('introduced is inclusive, fixed exclusive, last_affected inclusive', () => {
    const fixed = [eco({ introduced: '1.0-1' }, { fixed: '1.2-1' })];
    expect(affects(debVersion, '0.9-1', fixed).affected).toBe(false);
    expect(affects(debVersion, '1.0-1', fixed)).toMatchObject({ affected: true, matched: '>=1.0-1, <1.2-1', fixedIn: ['1.2-1'] });
    expect(affects(debVersion, '1.2~rc1-1', fixed).affected).toBe(true);
    expect(affects(debVersion, '1.2-1', fixed).affected).toBe(false);
    const last = [eco({ introduced: '0' }, { last_affected: '2.1-3' })];
    expect(affects(debVersion, '2.1-3', last)).toMatchObject({ affected: true, fixedIn: [] });
    expect(affects(debVersion, '2.1-3+deb12u1', last).affected).toBe(false);
  });

  it('several intervals in one range, events in any order, and the fix of the interval the version is in', () => {
    const range = [eco({ introduced: '3.0-1' }, { fixed: '3.2.5-1' }, { introduced: '1.0-1' }, { fixed: '1.0.2-1' })];
    expect(affects(debVersion, '1.0.1-1', range)).toMatchObject({ affected: true, fixedIn: ['1.0.2-1'] });
    expect(affects(debVersion, '2.0-1', range).affected).toBe(false);
    expect(affects(debVersion, '3.1-1', range)).toMatchObject({ affected: true, fixedIn: ['3.2.5-1'] });
    expect(affects(debVersion, '3.2.5-1', range).affected).toBe(false);
  });

  it('limits cap a range; a * limit is infinity', () => {
    expect(affects(debVersion, '5.0-1', [eco({ introduced: '1.0-1' }, { limit: '4.0-1' })]).affected).toBe(false);
    expect(affects(debVersion, '3.0-1', [eco({ introduced: '1.0-1' }, { limit: '4.0-1' })]).affected).toBe(true);
    expect(affects(debVersion, '5.0-1', [eco({ introduced: '1.0-1' }, { limit: '*' })]).affected).toBe(true);
  });

  it('explicit versions lists, any range of several, and versions the scheme cannot read', () => {
    expect(affects(debVersion, '1.5-2', [], ['1.5-1', '1.5-2'])).toMatchObject({ affected: true, matched: 'listed' });
    expect(affects(debVersion, '1.5-3', [], ['1.5-1', '1.5-2']).affected).toBe(false);
    const twoRanges = [eco({ introduced: '0' }, { fixed: '1.0-1' }), eco({ introduced: '2.0-1' }, { fixed: '2.1-1' })];
    expect(affects(debVersion, '2.0.1-1', twoRanges)).toMatchObject({ affected: true, fixedIn: ['2.1-1'] });
    // An event the scheme cannot read is skipped and reported, never guessed at; GIT ranges cannot be placed.
    const odd = affects(debVersion, '1.0-1', [eco({ introduced: '0' }, { fixed: 'not a version' }), { type: 'GIT', events: [{ introduced: 'abc123' }] }]);
    expect(odd).toMatchObject({ affected: true, unreadable: ['fixed not a version', 'GIT range'] });
    expect(() => affects(debVersion, 'a:b', [eco({ introduced: '0' })])).toThrow(/not a valid deb version/);
  });
});

/** Debian versions of the shapes advisories meet: epochs, ~rc pre-releases, +debNuM security updates, backports. */
function debianVersions(random: () => number, count: number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out = new Set<string>();
  while (out.size < count) {
    const epoch = random() < 0.15 ? pick(['1:', '2:']) : '';
    const upstream = `${pick(['1', '2', '10'])}.${pick(['0', '2', '10'])}${random() < 0.5 ? `.${pick(['0', '3', '11'])}` : ''}${pick(['', '', '~rc1', '+dfsg', 'a'])}`;
    const revision = pick(['1', '2', '1+deb12u1', '1+deb12u2', '1~bpo12+1', '0ubuntu1', '1.1']);
    out.add(`${epoch}${upstream}-${revision}`);
  }
  return [...out];
}

/** Every ordered pair of `versions` compared by the real dpkg, in one shell: a lookup table. */
function dpkgTable(versions: readonly string[]): Map<string, number> {
  const pairs = versions.flatMap((a) => versions.map((b) => [a, b]));
  const script = `while [ $# -gt 0 ]; do if dpkg --compare-versions "$1" lt "$2"; then echo -1; elif dpkg --compare-versions "$1" eq "$2"; then echo 0; else echo 1; fi; shift 2; done`;
  const answers = execFileSync('sh', ['-c', script, 'sh', ...pairs.flat()], { encoding: 'utf8' }).trim().split('\n').map(Number);
  return new Map(pairs.map(([a, b], i) => [`${a}\n${b}`, answers[i] as number]));
}

describe('affects against the real dpkg', () => {
  const SEED = 0x05f_0d3b;
  const TRIALS = 400;
  it(`gives dpkg's verdicts for ${TRIALS} random ranges around random installed versions (seed ${SEED})`, () => {
    const random = prng(SEED);
    const pool = debianVersions(random, 36);
    const table = dpkgTable(pool);
    // The same scheme interface, answered by dpkg itself: the reference for the OSV algorithm below.
    const dpkg: VersionScheme = { name: 'dpkg', isValid: () => true, compare: (a, b) => table.get(`${a}\n${b}`) as number };
    const pick = () => pool[Math.floor(random() * pool.length)] as string;
    const mismatches: string[] = [];
    let affectedCount = 0;
    for (let n = 0; n < TRIALS; n++) {
      const events: RangeEvent[] = [random() < 0.3 ? { introduced: '0' } : { introduced: pick() }];
      for (let k = Math.floor(random() * 4); k > 0; k--) {
        const v = pick();
        events.push(random() < 0.4 ? { introduced: v } : random() < 0.8 ? { fixed: v } : { last_affected: v });
      }
      const installed = pick();
      const ranges = [eco(...events)];
      const ours = affects(debVersion, installed, ranges);
      const reference = affects(dpkg, installed, ranges);
      if (ours.affected !== reference.affected || ours.fixedIn.join() !== reference.fixedIn.join()) {
        mismatches.push(`${installed} in ${JSON.stringify(events)}: ours ${ours.affected} ${ours.fixedIn}, dpkg ${reference.affected} ${reference.fixedIn}`);
      }
      if (reference.affected) affectedCount++;
    }
    expect(mismatches).toEqual([]);
    // Both verdicts must occur often, or the agreement proves little.
    expect(affectedCount).toBeGreaterThan(TRIALS / 5);
    expect(affectedCount).toBeLessThan((TRIALS * 4) / 5);
  });
});

describe('affects against the semver package', () => {
  const SEED = 0x5e_3e5;
  const TRIALS = 2000;
  it(`gives semver.satisfies' verdicts for ${TRIALS} random ranges around random npm versions (seed ${SEED})`, () => {
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const version = () => `${pick([0, 1, 2, 10])}.${pick([0, 1, 9, 10])}.${pick([0, 1, 5])}${pick(['', '', '', '-alpha.1', '-beta', '-rc.2', '-0'])}`;
    let affectedCount = 0;
    const mismatches: string[] = [];
    for (let n = 0; n < TRIALS; n++) {
      // One interval, as npm advisories write them, in both OSV and node-semver range syntax.
      let lower = random() < 0.3 ? null : version();
      let upper = random() < 0.2 ? null : version();
      // A well-formed interval, as advisories write them: the lower bound below the upper one.
      if (lower !== null && upper !== null) {
        if (semver.eq(lower, upper)) upper = null;
        else if (semver.gt(lower, upper)) [lower, upper] = [upper, lower];
      }
      const lastAffected = upper !== null && random() < 0.25;
      const events: RangeEvent[] = [{ introduced: lower ?? '0' }];
      if (upper !== null) events.push(lastAffected ? { last_affected: upper } : { fixed: upper });
      const npmRange = [lower ? `>=${lower}` : '>=0.0.0-0', upper ? `${lastAffected ? '<=' : '<'}${upper}` : ''].join(' ').trim();
      const installed = version();
      const ours = affects(semverVersion, installed, [{ type: 'SEMVER', events }]).affected;
      // includePrerelease: an OSV range covers pre-releases like any other version.
      const theirs = semver.satisfies(installed, npmRange, { includePrerelease: true });
      if (ours !== theirs) mismatches.push(`${installed} vs ${JSON.stringify(events)} (${npmRange}): ours ${ours}, semver ${theirs}`);
      if (theirs) affectedCount++;
    }
    expect(mismatches).toEqual([]);
    expect(affectedCount).toBeGreaterThan(TRIALS / 5);
    expect(affectedCount).toBeLessThan((TRIALS * 4) / 5);
  });
});
