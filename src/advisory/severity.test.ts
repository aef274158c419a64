// Tests for advisory severity: CVSS base scores against published values, labels, and the OSV choice of source.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ratingOfScore, severityFromCvss, severityFromLabel, severityOf } from './severity.ts';

const osvDir = fileURLToPath(new URL('../../../shared/vectors/osv/', import.meta.url));
const record = (file: string) => JSON.parse(readFileSync(osvDir + file, 'utf8')) as Record<string, unknown>;

describe('severityFromCvss', () => {
  // Published base scores: NVD (v2, v3) and FIRST's v4.0 calculator; the CVE in the note is where each was published.
  const published: [string, number, string][] = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N', 6.8, 'medium'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10, 'critical'], // CVE-2021-44228
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'medium'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5, 'high'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8, 'high'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N', 3.3, 'low'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0, 'none'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L', 5.3, 'medium'],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5, 'high'],
    ['AV:N/AC:M/Au:N/C:C/I:C/A:C', 9.3, 'high'], // CVE-2021-44228: v2 has no critical band
    ['AV:N/AC:M/Au:N/C:N/I:P/A:N', 4.3, 'medium'],
    ['AV:N/AC:L/Au:N/C:N/I:N/A:P', 5, 'medium'],
    ['AV:L/AC:L/Au:N/C:P/I:N/A:N', 2.1, 'low'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'critical'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N', 8.7, 'high'],
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.5, 'high'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0, 'none'],
  ];
  it.each(published)('%s scores %d (%s)', (vector, score, rating) => {
    const source = vector.startsWith('CVSS:4.0/') ? 'CVSS_V4' : vector.startsWith('CVSS:3') ? 'CVSS_V3' : 'CVSS_V2';
    expect(severityFromCvss(vector)).toEqual({ rating, score, vector, source });
  });

  it('reads v2 in NVD parentheses and with a CVSS:2.0 prefix, keeping the vector as given', () => {
    expect(severityFromCvss('(AV:N/AC:L/Au:N/C:P/I:P/A:P)')).toMatchObject({ score: 7.5, vector: '(AV:N/AC:L/Au:N/C:P/I:P/A:P)' });
    expect(severityFromCvss('CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P')?.score).toBe(7.5);
  });

  it('scores the base metrics only, ignoring temporal, threat and environmental ones', () => {
    expect(severityFromCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U')?.score).toBe(9.8);
    expect(severityFromCvss('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MAV:P')?.score).toBe(9.3);
  });

  it.each([
    ['', 'empty'],
    ['hello', 'not a vector'],
    ['CVSS:3.1/AV:X9/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'unknown value'],
    ['CVSS:3.1/AV:N/ZZ:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'unknown metric'],
    ['CVSS:3.1/AV:N/AC:L', 'base metrics missing'],
    ['CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'a metric twice'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', 'trailing slash'],
    ['CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'v4 metrics under a v3.1 prefix'],
    ['CVSS:5.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'unknown version'],
  ])('returns null for %j (%s)', (vector) => {
    expect(severityFromCvss(vector)).toBeNull();
  });
});

describe('ratingOfScore', () => {
  it('uses the v3/v4 scale, and v2 bands without none or critical', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map((s) => ratingOfScore(s, 'CVSS_V3'))).toEqual(
      ['none', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical'],
    );
    expect([0, 3.9, 4, 6.9, 7, 10].map((s) => ratingOfScore(s, 'CVSS_V2'))).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high']);
  });
});

describe('severityFromLabel', () => {
  it('maps database labels case-insensitively, and knows nothing else', () => {
    expect(['CRITICAL', 'HIGH', 'MODERATE', 'moderate', 'Medium', 'LOW', 'negligible', 'Important', 'untriaged'].map((l) => severityFromLabel(l, 'x')?.rating)).toEqual(
      ['critical', 'high', 'medium', 'medium', 'medium', 'low', 'low', 'high', 'unknown'],
    );
    expect(severityFromLabel('HIGH', 'database_specific')).toEqual({ rating: 'high', score: null, vector: null, source: 'database_specific' });
    expect(severityFromLabel('severe', 'x')).toBeNull();
  });
});

describe('real advisories', () => {
  it('scores the lodash advisories as NVD published them', () => {
    // CVE-2020-8203 (NVD 7.4 HIGH) and CVE-2020-28500 (NVD 5.3 MEDIUM).
    expect(severityOf(record('npm/GHSA-p6mc-m468-83gw.json'))).toMatchObject({ score: 7.4, rating: 'high', source: 'CVSS_V3' });
    expect(severityOf(record('npm/GHSA-29mw-wpgm-hmr9.json'))).toMatchObject({ score: 5.3, rating: 'medium', source: 'CVSS_V3' });
  });

  it("agrees with GitHub's label for every reviewed advisory that gives a CVSS v3 vector", () => {
    let checked = 0;
    for (const dir of ['npm', 'Maven']) {
      for (const file of readdirSync(osvDir + dir)) {
        const raw = record(`${dir}/${file}`);
        const label = (raw.database_specific as { severity?: string } | undefined)?.severity;
        const v3 = (raw.severity as { type: string; score: string }[] | undefined)?.find((s) => s.type === 'CVSS_V3');
        if (!label || !v3) continue;
        expect(severityFromCvss(v3.score)?.rating, `${file} ${v3.score}`).toBe(severityFromLabel(label, 'x')?.rating);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('prefers CVSS v4 over v3 even where the v4 rating is lower than the label GitHub derived from v3', () => {
    // GHSA-cm22-4g7w-348p (serve-static, CVE-2024-43800): v3.1 5.0 MODERATE, v4.0 2.3 LOW.
    const raw = record('npm/GHSA-cm22-4g7w-348p.json');
    expect((raw.database_specific as { severity: string }).severity).toBe('MODERATE');
    expect(severityOf(raw)).toMatchObject({ score: 2.3, rating: 'low', source: 'CVSS_V4' });
    expect(severityFromCvss('CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L')?.score).toBe(5);
  });
});

describe('severityOf', () => {
  const v2 = { type: 'CVSS_V2', score: 'AV:N/AC:M/Au:N/C:C/I:C/A:C' }; // 9.3
  const v3 = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N' }; // 3.3
  const v30 = { type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }; // 9.8
  const v4 = { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N' }; // 8.7
  const badV4 = { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L' };

  it('takes the newest CVSS version, not the highest score', () => {
    expect(severityOf({ severity: [v2, v3] })?.score).toBe(3.3);
    expect(severityOf({ severity: [v3, v4, v2] })?.source).toBe('CVSS_V4');
    expect(severityOf({ severity: [v30, v3] })?.vector).toBe(v3.score); // 3.1 over 3.0
  });

  it('skips a malformed vector and falls through to the next one, or to the next source', () => {
    expect(severityOf({ severity: [badV4, v3] })?.score).toBe(3.3);
    expect(severityOf({ severity: [badV4], database_specific: { severity: 'HIGH' } })).toMatchObject({ rating: 'high', source: 'database_specific' });
    expect(severityOf({ severity: [{ type: 'CVSS_V3', score: 42 }, 'junk', null] })).toBeNull();
  });

  it('reads record-level CVSS before per-package CVSS, and takes the worst package otherwise', () => {
    expect(severityOf({ severity: [v3], affected: [{ severity: [v4] }] })?.score).toBe(3.3);
    const packages = [{ severity: [v2] }, { severity: [v3] }, { severity: [v30] }, 'junk'];
    expect(severityOf({ affected: packages })?.score).toBe(9.8); // v3.x beats v2; among v3, the worst
  });

  it('falls back to database_specific, then ecosystem_specific, then the Ubuntu priority', () => {
    const ubuntu = { type: 'Ubuntu', score: 'negligible' };
    expect(severityOf({ severity: [ubuntu], database_specific: { severity: 'MODERATE' }, ecosystem_specific: { severity: 'HIGH' } }))
      .toEqual({ rating: 'medium', score: null, vector: null, source: 'database_specific' });
    expect(severityOf({ severity: [ubuntu], affected: [{ ecosystem_specific: { severity: 'critical' } }] }))
      .toEqual({ rating: 'critical', score: null, vector: null, source: 'ecosystem_specific' });
    expect(severityOf({ severity: [ubuntu], database_specific: { severity: 'whatever' } }))
      .toEqual({ rating: 'low', score: null, vector: null, source: 'Ubuntu' });
    expect(severityOf({ affected: [{ severity: [{ type: 'Ubuntu', score: 'medium' }] }] })?.rating).toBe('medium');
  });

  it('prefers any CVSS over labels, and returns null when nothing speaks of severity', () => {
    expect(severityOf({ database_specific: { severity: 'CRITICAL' }, affected: [{ severity: [v3] }] })?.source).toBe('CVSS_V3');
    expect(severityOf({})).toBeNull();
    expect(severityOf({ severity: [], database_specific: { cwe_ids: [] }, affected: [{}] })).toBeNull();
  });
});
