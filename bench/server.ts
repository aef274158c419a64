// `npm run bench -- server [--only sqlite|postgres] [--images N] [--stored N] [--concurrency N] [--servers N] [--profile DIR]`:
// the platform under load, on SQLite (a temporary --data directory) and on PostgreSQL ($DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test, in a fresh schema dropped afterwards). For each, a real `sextant server`
// (startServer in a child process, bench/server-child.ts) with 20,000 advisories preloaded (AdvisoryStore.upsert)
// over the package names the images use (bench/server-workload.ts), then:
//   1. 1,000 pushes (POST /api/v1/images) of 200-package SBOMs, 8 at a time over keep-alive (with --servers N on
//      PostgreSQL, round-robin over N server processes sharing the database): pushes/s (goal ≥ 200/s
//      on PostgreSQL) and latency;
//   2. 500 local analyses (POST /api/v1/analysis) of those images, one at a time: p50/p95/p99 (goal p95 ≤ 50 ms);
//   3. 9,000 small pushes through the same API (a distroless Debian base and a Go binary), so that 10,000 images are
//      stored, every one holding an openssl package; on PostgreSQL the tables are then ANALYZEd, as autovacuum
//      would have done by then;
//   4. one new advisory for openssl, upserted and re-evaluated as the sync does it (`reevaluatePackages` with the
//      changed set, from the bench's own store handles), then another through POST /api/v1/advisories/sync from a
//      local feed server (goal ≤ 1 s for either); then 1,000 new advisories over every ecosystem through the sync.
// Every re-evaluation is checked: images holding the new finding are counted in the store, a sample of images'
// findings is read through the API, and after the 1,000 a sample's stored findings are compared with a fresh local
// analysis. The server's peak resident memory is read from /proc. With --profile DIR the server runs under --cpu-prof
// and writes its profile there. Nothing is asserted.
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { sql } from 'kysely';
import { AdvisoryStore } from '../src/advisory/store/advisory-store.ts';
import { parseOsvRecord } from '../src/advisory/feeds/osv/parse-osv.ts';
import type { Sbom } from '../src/core/sbom.ts';
import type { Finding } from '../src/match/matcher.ts';
import { localAnalysisPayload, withSbomPurls } from '../src/platform/local-payload.ts';
import { reevaluatePackages } from '../src/platform/reevaluate.ts';
import { PlatformStore, type StoreLocation } from '../src/platform/store/platform-store.ts';
import { FeedServer } from '../test/support/feed-server.ts';
import { prng } from '../test/support/prng.ts';
import { dropSchema, startServerChild, stopServerChild } from './server-process.ts';
import { advisoryRecords, buildWorkload, preloadAdvisories, sharedAdvisory, type Workload } from './server-workload.ts';

const TOKEN = 'sxt_bench-server-admin-token-0000';
const PRELOADED = 20_000;
const ADDED = 1_000;
const ANALYSES = 500;
const SAMPLE = 20;

type Database = 'sqlite' | 'postgres';

interface Options {
  databases: Database[];
  images: number;
  stored: number;
  concurrency: number;
  servers: number;
  profile: string | null;
  databaseUrl: string;
}

/** One database's figures. */
interface Figures {
  database: Database;
  preloadSeconds: number;
  pushRate: number;
  pushP50: number;
  pushP95: number;
  findingsPerImage: number;
  lightRate: number;
  analysisP50: number;
  analysisP95: number;
  analysisP99: number;
  direct: { totalMs: number; upsertMs: number; reevaluateMs: number; images: number; withFinding: number };
  syncOne: { ms: number; images: number; withFinding: number };
  syncMany: { ms: number; images: number; appeared: number; disappeared: number };
  /** Peak resident memory of the (first) server process over the whole run, in MiB. */
  serverPeakMiB: number;
  checks: string[];
}

/** Entry point for `npm run bench -- server`. */
export async function serverBench(args: string[]): Promise<void> {
  const options = parseArgs(args);
  process.stderr.write(`building ${options.images} SBOMs and ${options.stored - options.images} small ones, ${PRELOADED} + ${ADDED} advisories …\n`);
  const workload = buildWorkload({ images: options.images, light: Math.max(0, options.stored - options.images) });
  const preload = Object.values(advisoryRecords(PRELOADED, '2024', 1, '2024-06-01T00:00:00Z')).flat();
  const added = advisoryRecords(ADDED, '2099', 2, '2025-06-02T00:00:00Z');
  const feed = await FeedServer.start();
  const results: Figures[] = [];
  try {
    for (const database of options.databases) {
      process.stderr.write(`\n== ${database === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ==\n`);
      results.push(await runOn(database, options, workload, preload, added, feed));
    }
  } finally {
    await feed.close();
  }
  process.stdout.write(`\n${report(results, options, workload)}`);
}

function parseArgs(args: string[]): Options {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const count = (flag: string, fallback: number) => {
    const text = value(flag);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number`);
    return n;
  };
  const only = value('--only');
  if (only !== undefined && only !== 'sqlite' && only !== 'postgres') throw new Error('--only takes sqlite or postgres');
  const images = count('--images', 1000);
  return {
    databases: only ? [only] : ['sqlite', 'postgres'],
    images,
    stored: Math.max(images, count('--stored', 10_000)),
    concurrency: count('--concurrency', 8),
    servers: count('--servers', 1),
    profile: value('--profile') ?? null,
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
}

async function runOn(database: Database, options: Options, workload: Workload, preload: Record<string, unknown>[], added: Record<string, Record<string, unknown>[]>, feed: FeedServer): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-server-'));
  const schema = `sextant_bench_${process.pid}_${Date.now().toString(36)}`;
  const location: StoreLocation = database === 'sqlite' ? { url: join(dir, 'sextant.sqlite') } : { url: options.databaseUrl, schema };
  const checks: string[] = [];
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let store: PlatformStore | null = null;
  let advisories: AdvisoryStore | null = null;
  let closeClient: (() => void) | null = null;
  try {
    // Advisories first, in the store the server then opens (the sync path's own download is measured later).
    let started = performance.now();
    await preloadAdvisories(location, preload);
    const preloadSeconds = (performance.now() - started) / 1000;
    progress(`preloaded ${preload.length} advisories in ${preloadSeconds.toFixed(1)} s`);

    const serverOptions = {
        port: 0,
        host: '127.0.0.1',
        data: dir,
        ...(database === 'postgres' ? { database: options.databaseUrl, databaseSchema: schema } : {}),
        advisorySource: feed.url,
        kevUrl: null,
        epssUrl: null,
        version: 'bench',
        rateLimit: { max: 1_000_000_000, timeWindow: 60_000 },
        bootstrapToken: TOKEN,
    };
    // One server process, or (PostgreSQL, --servers N) several sharing the database, as a scaled-out site runs them;
    // the pushes go round-robin over them, everything else to the first.
    for (let i = 0; i < (database === 'postgres' ? options.servers : 1); i++) {
      const started = await startServerChild(serverOptions, options.profile);
      children.push(started.child);
      urls.push(started.url);
    }
    const pushClients = urls.map(client);
    const api = pushClients[0] as Client;
    closeClient = () => {
      for (const c of pushClients) c.close();
    };
    await api.post('/api/v1/catalog', JSON.stringify({ entries: workload.catalog }));

    // 1. Pushes of the realistic images.
    const bodies = workload.images.map((sbom) => Buffer.from(JSON.stringify({ sbom, secrets: [] })));
    let findings = 0;
    started = performance.now();
    let turn = 0;
    const pushTimes = await runPool(bodies, options.concurrency, async (body) => {
      const answer = (await (pushClients[turn++ % pushClients.length] as Client).post('/api/v1/images', body)) as { findings: unknown[] };
      findings += answer.findings.length;
    });
    const pushSeconds = (performance.now() - started) / 1000;
    const pushRate = bodies.length / pushSeconds;
    progress(`${bodies.length} pushes in ${pushSeconds.toFixed(1)} s: ${pushRate.toFixed(0)}/s, p50 ${percentile(pushTimes, 0.5).toFixed(0)} ms, p95 ${percentile(pushTimes, 0.95).toFixed(0)} ms, ${(findings / bodies.length).toFixed(0)} findings per image`);

    // 2. Local analyses, one at a time.
    const random = prng(42);
    const analysisBodies = Array.from({ length: ANALYSES }, () => Buffer.from(JSON.stringify(localAnalysisPayload(workload.images[Math.floor(random() * workload.images.length)] as Sbom))));
    const analysisTimes = await runPool(analysisBodies, 1, (body) => api.post('/api/v1/analysis', body));
    progress(`${ANALYSES} local analyses: p50 ${percentile(analysisTimes, 0.5).toFixed(1)} ms, p95 ${percentile(analysisTimes, 0.95).toFixed(1)} ms, p99 ${percentile(analysisTimes, 0.99).toFixed(1)} ms`);

    // 3. The small images, through the same API.
    started = performance.now();
    const lightBodies = workload.light.map((sbom) => Buffer.from(JSON.stringify({ sbom, secrets: [] })));
    await runPool(lightBodies, 16, (body) => api.post('/api/v1/images', body));
    const lightRate = lightBodies.length / ((performance.now() - started) / 1000);
    progress(`${lightBodies.length} small pushes: ${lightRate.toFixed(0)}/s`);

    store = await PlatformStore.open(location);
    advisories = await AdvisoryStore.open(location);
    if (database === 'postgres') {
      // Statistics for the tables just filled, as autovacuum gathers them within a minute or so of a load: without
      // them the planner takes the re-evaluation's IN lists for most of the finding table and scans it whole.
      started = performance.now();
      const tables = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(store.db);
      await sql`analyze ${sql.join(tables.rows.map((t) => sql.table(t.name)))}`.execute(store.db);
      progress(`ANALYZE of ${tables.rows.length} tables: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const counts = await store.tableCounts();
    progress(`stored: ${counts.image} images, ${counts.package} distinct packages, ${counts.image_package} image-package rows, ${counts.package_finding} package findings`);
    const digests = [...workload.images, ...workload.light].map((s) => s.image.digest as string);
    const sample = Array.from({ length: SAMPLE }, (_, i) => digests[Math.floor((i * digests.length) / SAMPLE)] as string);

    // 4a. One new advisory, as the sync applies it: upsert collecting the changed packages, the database digest, then
    // reevaluatePackages.
    const cveDirect = 'CVE-2099-0001';
    started = performance.now();
    const changed = new Set<string>();
    await advisories.upsert([parseOsvRecord(sharedAdvisory(cveDirect, '2025-06-01T12:00:00Z'), 'bench')], 'bench:one', changed);
    await advisories.recordSource('bench:one', null, 1);
    const { digest } = await advisories.summary();
    const upsertMs = performance.now() - started;
    const reevaluated = await reevaluatePackages(store, advisories, changed, digest, `bench: ${cveDirect}`);
    const totalMs = performance.now() - started;
    const direct = { totalMs, upsertMs, reevaluateMs: totalMs - upsertMs, images: reevaluated.images, withFinding: await imagesWithFinding(store, cveDirect) };
    progress(`one advisory (${[...changed].map((k) => k.replace('\n', ' ')).join(', ')}), upsert + re-evaluation: ${totalMs.toFixed(0)} ms (re-evaluation ${direct.reevaluateMs.toFixed(0)} ms), ${direct.images} images re-evaluated, ${direct.withFinding} with the finding`);
    checks.push(await checkSample(api, sample, cveDirect));

    // 4b. Another through the server's sync route, from the feed server.
    const cveSync = 'CVE-2099-0002';
    feed.put('/Debian/all.zip', zip([sharedAdvisory(cveSync, '2025-06-01T13:00:00Z')]));
    started = performance.now();
    const one = (await api.post('/api/v1/advisories/sync', JSON.stringify({ ecosystems: ['Debian'] }))) as SyncAnswer;
    const syncOne = { ms: performance.now() - started, images: one.reevaluated.images, withFinding: await imagesWithFinding(store, cveSync) };
    progress(`one advisory via POST /api/v1/advisories/sync: ${syncOne.ms.toFixed(0)} ms, ${syncOne.images} images re-evaluated, ${syncOne.withFinding} with the finding`);
    checks.push(await checkSample(api, sample, cveSync));

    // 4c. 1,000 advisories over every ecosystem through the sync route.
    for (const [ecosystem, records] of Object.entries(added)) feed.put(`/${encodeURIComponent(ecosystem)}/all.zip`, zip(records));
    started = performance.now();
    const many = (await api.post('/api/v1/advisories/sync', JSON.stringify({ ecosystems: Object.keys(added) }))) as SyncAnswer;
    const syncMany = { ms: performance.now() - started, ...many.reevaluated };
    progress(`${ADDED} advisories via POST /api/v1/advisories/sync: ${syncMany.ms.toFixed(0)} ms, ${syncMany.images} images re-evaluated, ${syncMany.appeared} findings appeared, ${syncMany.disappeared} disappeared`);
    checks.push(await compareWithLocalAnalysis(api, workload.images.filter((_, i) => i % Math.max(1, Math.floor(workload.images.length / SAMPLE)) === 0).slice(0, SAMPLE)));
    for (const c of checks) progress(`check: ${c}`);
    const serverPeakMiB = peakResidentMiB(children[0]?.pid);

    return {
      database,
      preloadSeconds,
      pushRate,
      pushP50: percentile(pushTimes, 0.5),
      pushP95: percentile(pushTimes, 0.95),
      findingsPerImage: findings / bodies.length,
      lightRate,
      analysisP50: percentile(analysisTimes, 0.5),
      analysisP95: percentile(analysisTimes, 0.95),
      analysisP99: percentile(analysisTimes, 0.99),
      direct,
      syncOne,
      syncMany,
      serverPeakMiB,
      checks,
    };
  } finally {
    closeClient?.();
    await Promise.allSettled([store?.close(), advisories?.close()]);
    await Promise.all(children.map(stopServerChild));
    rmSync(dir, { recursive: true, force: true });
    if (database === 'postgres') await dropSchema(options.databaseUrl, schema);
  }
}

/** The peak resident set (VmHWM) of process `pid` so far, in MiB; NaN where /proc does not tell. */
function peakResidentMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? NaN : Number(kib) / 1024;
  } catch {
    return NaN;
  }
}

interface SyncAnswer {
  reevaluated: { images: number; appeared: number; disappeared: number };
}

function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/** JSON requests to the server with the bench's token; throws on any status but 2xx. */
function client(base: string) {
  // node:http over one keep-alive agent, bodies sent as bytes: the client's own cost stays small beside the server's
  // (they share the machine).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = new URL(base);
  const call = (method: 'GET' | 'POST', path: string, body?: Buffer) =>
    new Promise<unknown>((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${TOKEN}` };
      if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': body.length });
      const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text) as unknown);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return {
    post: async (path: string, body: string | Buffer) => call('POST', path, typeof body === 'string' ? Buffer.from(body) : body),
    get: async (path: string) => call('GET', path),
    close: () => agent.destroy(),
  };
}
type Client = ReturnType<typeof client>;

/** Run `work` over `items`, `concurrency` at a time; returns each item's time in milliseconds. */
async function runPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const start = performance.now();
        await work(item);
        times.push(performance.now() - start);
      }
    }),
  );
  return times;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

function zip(records: readonly Record<string, unknown>[]): Uint8Array {
  return zipSync(Object.fromEntries(records.map((r) => [`${r.id as string}.json`, Buffer.from(JSON.stringify(r))])));
}

/** Images with a finding of display id `cve`, counted in the store. */
async function imagesWithFinding(store: PlatformStore, cve: string): Promise<number> {
  const row = await store.db
    .selectFrom('package_finding')
    .innerJoin('image_package', 'image_package.package_id', 'package_finding.package_id')
    .select((eb) => eb.fn.count<number | string>('image_package.image_id').distinct().as('n'))
    .where('package_finding.display_id', '=', cve)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether every sampled image's findings, read through the API, include `cve`. */
async function checkSample(api: Client, digests: readonly string[], cve: string): Promise<string> {
  let holding = 0;
  for (const digest of digests) {
    const { findings } = (await api.get(`/api/v1/images/${digest}/findings`)) as { findings: Finding[] };
    if (findings.some((f) => f.id === cve)) holding++;
  }
  return `${holding} of ${digests.length} sampled images list ${cve} (GET …/findings)`;
}

/** Whether sampled images' stored findings (after re-evaluations) are what a fresh local analysis finds. */
async function compareWithLocalAnalysis(api: Client, images: readonly Sbom[]): Promise<string> {
  let same = 0;
  const differences: string[] = [];
  for (const sbom of images) {
    const stored = (await api.get(`/api/v1/images/${sbom.image.digest}/findings`)) as { findings: Finding[] };
    const fresh = (await api.post('/api/v1/analysis', JSON.stringify(localAnalysisPayload(sbom)))) as { findings: Finding[] };
    const key = (f: Finding) => `${f.id} ${f.purl}`;
    const a = new Set(stored.findings.map(key));
    const b = new Set(withSbomPurls(fresh.findings, sbom).map(key));
    const missing = [...b].filter((k) => !a.has(k));
    const extra = [...a].filter((k) => !b.has(k));
    if (missing.length === 0 && extra.length === 0) same++;
    else differences.push(`${sbom.image.reference}: ${missing.length} missing (${missing.slice(0, 2).join(', ')}), ${extra.length} extra (${extra.slice(0, 2).join(', ')})`);
  }
  return `${same} of ${images.length} sampled images' stored findings equal a fresh local analysis${differences.length ? `; ${differences.slice(0, 3).join('; ')}` : ''}`;
}

function report(results: readonly Figures[], options: Options, workload: Workload): string {
  const column = (f: (r: Figures) => string) => results.map(f);
  const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
  const light = options.stored - options.images;
  const rows: [string, string[], string][] = [
    [`advisories preloaded (${PRELOADED})`, column((r) => `${r.preloadSeconds.toFixed(1)} s`), ''],
    [`pushes/s (${options.images} × 200 packages, ${options.concurrency} at a time${options.servers > 1 ? `, PostgreSQL over ${options.servers} servers` : ''})`, column((r) => r.pushRate.toFixed(0)), '≥ 200 on PostgreSQL'],
    ['push latency p50 / p95', column((r) => `${r.pushP50.toFixed(0)} / ${r.pushP95.toFixed(0)} ms`), ''],
    ['findings per pushed image (mean)', column((r) => r.findingsPerImage.toFixed(0)), ''],
    [`small pushes/s (${light}, 16 at a time)`, column((r) => r.lightRate.toFixed(0)), ''],
    [`local analysis p50 / p95 / p99 (${ANALYSES}, one at a time)`, column((r) => `${r.analysisP50.toFixed(1)} / ${r.analysisP95.toFixed(1)} / ${r.analysisP99.toFixed(1)}`), 'p95 ≤ 50 ms'],
    [`1 advisory → ${workload.holdingShared} images: upsert + re-evaluation`, column((r) => ms(r.direct.totalMs)), '≤ 1 s'],
    ['  of which re-evaluation (reevaluatePackages)', column((r) => ms(r.direct.reevaluateMs)), ''],
    ['  images re-evaluated / with the new finding', column((r) => `${r.direct.images} / ${r.direct.withFinding}`), `${workload.holdingShared}`],
    ['1 advisory via POST /advisories/sync', column((r) => ms(r.syncOne.ms)), '≤ 1 s'],
    ['  images re-evaluated / with the new finding', column((r) => `${r.syncOne.images} / ${r.syncOne.withFinding}`), `${workload.holdingShared}`],
    [`${ADDED} advisories via POST /advisories/sync`, column((r) => ms(r.syncMany.ms)), ''],
    ['  images re-evaluated / findings appeared', column((r) => `${r.syncMany.images} / ${r.syncMany.appeared}`), ''],
    ['server peak resident memory', column((r) => (Number.isNaN(r.serverPeakMiB) ? '?' : `${r.serverPeakMiB.toFixed(0)} MiB`)), ''],
  ];
  const head: [string, string[], string] = ['', results.map((r) => (r.database === 'sqlite' ? 'SQLite' : 'PostgreSQL')), 'goal'];
  const all = [head, ...rows];
  const width = (i: number) => Math.max(...all.map(([, v]) => (v[i] ?? '').length));
  const labelWidth = Math.max(...all.map(([l]) => l.length));
  const lines = all.map(([label, values, goal]) => `${label.padEnd(labelWidth)}  ${values.map((v, i) => v.padStart(width(i))).join('  ')}  ${goal}`.trimEnd());
  const checks = results.flatMap((r) => r.checks.map((c) => `${r.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${c}`));
  return `${lines.join('\n')}\n\n${checks.join('\n')}\n`;
}
