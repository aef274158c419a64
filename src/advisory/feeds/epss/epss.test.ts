// The EPSS reader on generated CSVs in the published shape, plain and gzipped, and on broken ones.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExploitPrediction } from '../../../core/advisory.ts';
import { readEpss } from './epss.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-epss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = '#model_version:v2025.03.14,score_date:2025-11-25T12:55:00Z\ncve,epss,percentile\n';

async function read(name: string, content: string | Buffer): Promise<ExploitPrediction[]> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const out: ExploitPrediction[] = [];
  for await (const p of readEpss(path)) out.push(p);
  return out;
}

describe('readEpss', () => {
  it('streams a large gzipped file and the same rows plain, with CRLF or LF, dated by the comment line', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `CVE-2024-${String(10000 + i)},${(i % 1000) / 1000},${(i % 997) / 997}`);
    const csv = `${HEAD}${rows.join('\n')}\n`;
    const fromGzip = await read('scores.csv.gz', gzipSync(csv));
    expect(fromGzip).toHaveLength(50_000);
    expect(fromGzip[1]).toEqual({ cve: 'CVE-2024-10001', score: 0.001, percentile: 1 / 997, date: '2025-11-25' });
    expect(await read('scores.csv', csv.replace(/\n/g, '\r\n'))).toEqual(fromGzip);
    // A final row without a newline counts; columns are found by name.
    expect(await read('reordered.csv', '#score_date:2024-01-02T00:00:00Z\npercentile,cve,epss\n0.5,CVE-2023-0001,0.00043')).toEqual([
      { cve: 'CVE-2023-0001', score: 0.00043, percentile: 0.5, date: '2024-01-02' },
    ]);
  });

  it('rejects broken files in one line naming the line', async () => {
    const fails = async (name: string, content: string | Buffer, message: RegExp) =>
      expect(read(name, content)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(message) });
    await fails('no-header.csv', `${HEAD.split('\n')[0]}\nCVE-2024-0001,0.1,0.2\n`, /no-header\.csv: line 2: expected a header naming cve, epss and percentile/);
    await fails('no-date.csv', 'cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n', /line 1: no score_date comment before the header/);
    await fails('bad-cve.csv', `${HEAD}CVE-2024-0001,0.1,0.2\nGHSA-xxxx,0.1,0.2\n`, /line 4: malformed CVE id "GHSA-xxxx"/);
    await fails('bad-score.csv', `${HEAD}CVE-2024-0001,1.5,0.2\n`, /line 3: CVE-2024-0001 has a malformed score "1\.5"/);
    await fails('bad-pct.csv', `${HEAD}CVE-2024-0001,0.5,\n`, /malformed percentile ""/);
    await fails('empty.csv', '', /empty\.csv: no header line/);
    await fails('long.csv', `${HEAD}${'9'.repeat(10_000)}`, /line 3 is longer than 4096 bytes/);
    const gz = gzipSync(`${HEAD}${'CVE-2024-0001,0.1,0.2\n'.repeat(5000)}`);
    await fails('cut.csv.gz', gz.subarray(0, gz.length - 20), /cut\.csv\.gz: unreadable EPSS scores \(unexpected end of file\)/);
  });
});
