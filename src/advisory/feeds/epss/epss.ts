// FIRST's EPSS scores: the daily CSV (gzipped or not) to `ExploitPrediction` records, streamed line by line so the
// ~300,000 rows never sit in memory together.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ExploitPrediction } from '../../../core/advisory.ts';
import { SextantError } from '../../../core/errors.ts';

/** Where the current scores are published. */
export const DEFAULT_EPSS_URL = 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz';

/** Longest line accepted: real rows are ~40 bytes, the comment line under 100. */
const MAX_LINE_BYTES = 4096;

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const SCORE = /^(0(\.\d+)?|1(\.0+)?|\.\d+)(e-?\d+)?$/i;

/** The lines of a byte stream (LF or CRLF), refusing any longer than MAX_LINE_BYTES. */
async function* lines(stream: Readable, origin: string): AsyncGenerator<string> {
  let rest = '';
  let number = 0;
  for await (const chunk of stream) {
    rest += (chunk as Buffer).toString('latin1');
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      yield rest.slice(start, end > start && rest[end - 1] === '\r' ? end - 1 : end);
      number++;
      start = end + 1;
    }
    rest = rest.slice(start);
    if (rest.length > MAX_LINE_BYTES) throw new SextantError('CORRUPT', `${origin}: line ${number + 1} is longer than ${MAX_LINE_BYTES} bytes, not EPSS scores`);
  }
  if (rest !== '') yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** The file as a byte stream, inflated when it starts with gzip's magic bytes. */
async function openMaybeGzipped(path: string): Promise<Readable> {
  const head = createReadStream(path, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const c of head) chunks.push(c as Buffer);
  const magic = Buffer.concat(chunks);
  const file = createReadStream(path);
  if (magic.length !== 2 || magic[0] !== 0x1f || magic[1] !== 0x8b) return file;
  const gunzip = createGunzip();
  file.on('error', (err) => gunzip.destroy(err));
  gunzip.on('close', () => file.destroy());
  return file.pipe(gunzip);
}

/**
 * The scores in the EPSS CSV at `path`: an optional `#model_version:…,score_date:YYYY-MM-DDT…` comment line (its
 * date becomes each record's `date`), a header naming `cve`, `epss` and `percentile`, then one row per CVE.
 * Throws SextantError CORRUPT, naming `origin` and the line, on a missing header or date, a malformed CVE id, a
 * score outside 0–1, or a truncated gzip stream.
 */
export async function* readEpss(path: string, origin = path): AsyncGenerator<ExploitPrediction> {
  const stream = await openMaybeGzipped(path);
  let date: string | null = null;
  let columns: { cve: number; epss: number; percentile: number } | null = null;
  let number = 0;
  const corrupt = (what: string) => new SextantError('CORRUPT', `${origin}: line ${number}: ${what}, not EPSS scores`);
  try {
    for await (const line of lines(stream, origin)) {
      number++;
      if (line.startsWith('#')) {
        const scoreDate = /(?:^#|,)score_date:(\d{4}-\d{2}-\d{2})/.exec(line);
        if (scoreDate) date = scoreDate[1] as string;
        continue;
      }
      if (line.trim() === '') continue;
      const fields = line.split(',');
      if (columns === null) {
        const header = fields.map((f) => f.trim().toLowerCase());
        columns = { cve: header.indexOf('cve'), epss: header.indexOf('epss'), percentile: header.indexOf('percentile') };
        if (columns.cve < 0 || columns.epss < 0 || columns.percentile < 0) throw corrupt('expected a header naming cve, epss and percentile');
        if (date === null) throw corrupt('no score_date comment before the header');
        continue;
      }
      const cve = fields[columns.cve] ?? '';
      const score = fields[columns.epss] ?? '';
      const percentile = fields[columns.percentile] ?? '';
      if (!CVE_ID.test(cve)) throw corrupt(`malformed CVE id "${cve.slice(0, 40)}"`);
      if (!SCORE.test(score) || Number(score) > 1) throw corrupt(`${cve} has a malformed score "${score.slice(0, 40)}"`);
      if (!SCORE.test(percentile) || Number(percentile) > 1) throw corrupt(`${cve} has a malformed percentile "${percentile.slice(0, 40)}"`);
      yield { cve, score: Number(score), percentile: Number(percentile), date: date as string };
    }
  } catch (err) {
    if (err instanceof SextantError) throw err;
    throw new SextantError('CORRUPT', `${origin}: unreadable EPSS scores (${(err as Error).message})`, { cause: err });
  } finally {
    stream.destroy();
  }
  if (columns === null) throw new SextantError('CORRUPT', `${origin}: no header line, not EPSS scores`);
}
