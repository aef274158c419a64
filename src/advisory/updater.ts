// `db update`: OSV's per-ecosystem dumps, CISA's KEV catalogue and FIRST's EPSS scores, each downloaded only when
// changed since the fingerprint the last run recorded, then applied in one transaction: an update that fails or is
// interrupted leaves the store exactly as it was.
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DownloadOptions, DownloadResult } from './feeds/download.ts';
import { download } from './feeds/download.ts';
import { DEFAULT_EPSS_URL, readEpss } from './feeds/epss/epss.ts';
import { DEFAULT_KEV_URL, type KevCatalogue, MAX_KEV_BYTES, parseKev } from './feeds/kev/kev.ts';
import { DEFAULT_OSV_SOURCE, downloadOsvDump, listOsvEcosystems, osvSourceBase } from './feeds/osv/osv-download.ts';
import { type ImportResult, upsertOsvPath } from './import-osv.ts';
import type { AdvisoryStore, SourceStatus, UpsertCounts } from './store/advisory-store.ts';

/** OSV dumps downloaded at the same time. */
const OSV_DOWNLOADS_AT_ONCE = 4;

/** What an update did with one source. */
export interface SourceUpdate {
  /** `osv:<Ecosystem>`, `kev` or `epss`. */
  name: string;
  /**
   * `updated`: new content was applied; `unchanged`: the fingerprint matched, nothing was written; `unreachable`: KEV or
   * EPSS could not be downloaded; `failed`: KEV or EPSS was downloaded but unreadable. The last two keep the previous
   * data and do not stop the rest of the update.
   */
  status: 'updated' | 'unchanged' | 'unreachable' | 'failed';
  /** Records the source holds now (advisories, KEV entries, scored CVEs); the previous count unless updated. */
  count: number;
  fingerprint: string | null;
  /** For OSV dumps that were applied: how the store changed. */
  changes?: UpsertCounts;
  /** Why a source was unreachable or failed (one line). */
  message?: string;
}

/** Where an update is: downloading a source (bytes so far) or applying one (records so far). */
export type UpdateProgress = { phase: 'download'; source: string; bytes: number } | { phase: 'apply'; source: string; records: number };

export interface UpdateOptions {
  /** Base URL of the OSV dumps (`<base>/<Ecosystem>/all.zip`, `<base>/ecosystems.txt`); default the public bucket. */
  source?: string;
  /** OSV ecosystems to update; default every one `<base>/ecosystems.txt` lists. */
  ecosystems?: readonly string[];
  /** The KEV catalogue's URL; null leaves KEV out. */
  kevUrl?: string | null;
  /** The EPSS CSV's URL; null leaves EPSS out. */
  epssUrl?: string | null;
  /** Directory for the downloads (a private subdirectory is made and removed); default the system's temporary directory. */
  workDir?: string;
  /** Size and time limits of each download (defaults in feeds/download.ts). */
  limits?: Pick<DownloadOptions, 'maxBytes' | 'idleTimeoutMs' | 'timeoutMs'>;
  onProgress?: (progress: UpdateProgress) => void;
  /**
   * Collects the `affectedKey` (ecosystem, name) of every package an inserted or changed advisory names or named:
   * what the platform re-evaluates. Filled only when the update lands.
   */
  changed?: Set<string>;
}

/** A source that was fetched: unchanged, or changed with the file it was saved to. */
interface Fetched {
  name: string;
  result: DownloadResult;
}

/**
 * Update `store` from the feeds: every OSV ecosystem's dump (all of them must download and read cleanly, or nothing
 * is written and the first failure is thrown as a one-line SextantError), then KEV and EPSS when reachable. Records
 * are upserted by `modified` (an advisory missing from a newer dump is kept: OSV withdraws, it does not delete); the
 * KEV and EPSS tables are replaced whole. Each source applied is recorded with its fingerprint and count.
 */
export async function updateDatabase(store: AdvisoryStore, options: UpdateOptions = {}): Promise<SourceUpdate[]> {
  const base = osvSourceBase(options.source ?? DEFAULT_OSV_SOURCE);
  const kevUrl = options.kevUrl === undefined ? DEFAULT_KEV_URL : options.kevUrl;
  const epssUrl = options.epssUrl === undefined ? DEFAULT_EPSS_URL : options.epssUrl;
  const previous = new Map<string, SourceStatus>((await store.sources()).map((s) => [s.name, s]));
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'sextant-update-'));
  // If the process dies mid-update, the downloads must not outlive it.
  const cleanup = () => rmSync(work, { recursive: true, force: true });
  process.once('exit', cleanup);
  const abort = new AbortController();
  const limits = { ...options.limits, signal: abort.signal };
  const fetchOne = (name: string, url: string | null, file: string, extra: DownloadOptions = {}): Promise<DownloadResult> => {
    const path = join(work, file);
    const onBytes = options.onProgress ? (bytes: number) => options.onProgress?.({ phase: 'download', source: name, bytes }) : undefined;
    const settings = { ...limits, ...extra, previous: previous.get(name)?.fingerprint ?? null, onBytes };
    return url === null ? downloadOsvDump(base, name.slice('osv:'.length), path, settings) : download(url, path, settings);
  };
  try {
    const ecosystems = options.ecosystems?.length ? [...new Set(options.ecosystems)] : await listOsvEcosystems(base, limits);
    const kevFetch = kevUrl === null ? null : settle(fetchOne('kev', kevUrl, 'kev.json', { maxBytes: Math.min(MAX_KEV_BYTES, options.limits?.maxBytes ?? MAX_KEV_BYTES) }));
    const epssFetch = epssUrl === null ? null : settle(fetchOne('epss', epssUrl, 'epss.csv'));
    let osv: Fetched[];
    try {
      osv = await eachLimited(ecosystems, OSV_DOWNLOADS_AT_ONCE, async (ecosystem, index) => {
        const name = `osv:${ecosystem}`;
        try {
          return { name, result: await fetchOne(name, null, `osv-${index}.zip`) };
        } catch (err) {
          // One dump missing fails the update: stop the other downloads rather than wait for them.
          abort.abort();
          throw err;
        }
      });
    } catch (err) {
      await Promise.all([kevFetch, epssFetch]);
      throw err;
    }

    const results: SourceUpdate[] = osv.map(({ name, result }) => ({
      name,
      status: result.changed ? 'updated' : 'unchanged',
      count: previous.get(name)?.count ?? 0,
      fingerprint: result.fingerprint,
    }));
    const kev = kevFetch ? await readKev(await kevFetch, kevUrl as string, previous) : null;
    const epss = epssFetch ? await checkEpss(await epssFetch, epssUrl as string, previous) : null;
    if (kev) results.push(kev.update);
    if (epss) results.push(epss.update);

    const changedOsv = osv.filter((f) => f.result.changed);
    if (changedOsv.length === 0 && !kev?.catalogue && !epss?.path) return results;
    await store.atomically(async (tx) => {
      for (const { name, result } of changedOsv) {
        if (!result.changed) continue;
        const totals: ImportResult = { documents: 0, advisories: 0, inserted: 0, updated: 0, unchanged: 0 };
        const onRecords = options.onProgress ? (records: number) => options.onProgress?.({ phase: 'apply', source: name, records }) : undefined;
        const count = await upsertOsvPath(tx, result.path, name, totals, onRecords, options.changed);
        await tx.recordSource(name, result.fingerprint, count);
        const update = results.find((r) => r.name === name) as SourceUpdate;
        update.count = count;
        update.changes = { inserted: totals.inserted, updated: totals.updated, unchanged: totals.unchanged };
      }
      if (kev?.catalogue) {
        options.onProgress?.({ phase: 'apply', source: 'kev', records: 0 });
        kev.update.count = await tx.replaceKnownExploited(kev.catalogue.entries);
        await tx.recordSource('kev', kev.update.fingerprint, kev.update.count);
      }
      if (epss?.path) {
        options.onProgress?.({ phase: 'apply', source: 'epss', records: 0 });
        epss.update.count = await tx.replaceExploitPredictions(readEpss(epss.path, epssUrl as string));
        await tx.recordSource('epss', epss.update.fingerprint, epss.update.count);
      }
    });
    return results;
  } finally {
    process.off('exit', cleanup);
    await rm(work, { recursive: true, force: true });
  }
}

/** A download's outcome, never rejecting: the result, or the error it failed with. */
type Settled = { ok: true; result: DownloadResult } | { ok: false; error: unknown };

function settle(promise: Promise<DownloadResult>): Promise<Settled> {
  return promise.then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** An optional source that could not be fetched (unreachable) or read (failed): reported, its previous data kept. */
function notApplied(name: string, status: 'unreachable' | 'failed', error: unknown, previous: Map<string, SourceStatus>): SourceUpdate {
  const before = previous.get(name);
  return {
    name,
    status,
    count: before?.count ?? 0,
    fingerprint: before?.fingerprint ?? null,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** The KEV catalogue, parsed when it changed. */
async function readKev(fetched: Settled, url: string, previous: Map<string, SourceStatus>): Promise<{ update: SourceUpdate; catalogue?: KevCatalogue }> {
  if (!fetched.ok) return { update: notApplied('kev', 'unreachable', fetched.error, previous) };
  const { result } = fetched;
  const update: SourceUpdate = { name: 'kev', status: result.changed ? 'updated' : 'unchanged', count: previous.get('kev')?.count ?? 0, fingerprint: result.fingerprint };
  if (!result.changed) return { update };
  try {
    return { update, catalogue: parseKev(await readFile(result.path), url) };
  } catch (err) {
    return { update: notApplied('kev', 'failed', err, previous) };
  }
}

/** The EPSS file, read through once when it changed so that a malformed one is reported before anything is written. */
async function checkEpss(fetched: Settled, url: string, previous: Map<string, SourceStatus>): Promise<{ update: SourceUpdate; path?: string }> {
  if (!fetched.ok) return { update: notApplied('epss', 'unreachable', fetched.error, previous) };
  const { result } = fetched;
  const update: SourceUpdate = { name: 'epss', status: result.changed ? 'updated' : 'unchanged', count: previous.get('epss')?.count ?? 0, fingerprint: result.fingerprint };
  if (!result.changed) return { update };
  try {
    for await (const prediction of readEpss(result.path, url)) void prediction;
    return { update, path: result.path };
  } catch (err) {
    return { update: notApplied('epss', 'failed', err, previous) };
  }
}

/**
 * `work` over `items`, at most `limit` at a time, results in order. On the first failure no new item starts; the
 * ones running are awaited (they see the caller's abort signal), then that failure is thrown.
 */
async function eachLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
