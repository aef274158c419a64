// `updateDatabase` end to end against a real local HTTP server serving zips built from ../shared/vectors/osv, CISA's
// KEV catalogue and a generated EPSS file: incremental runs, atomic failures, optional feeds. On SQLite always and on
// PostgreSQL when DATABASE_URL is set.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type Zippable, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../../test/support/feed-server.ts';
import { testSchemas } from '../../test/support/pg-schemas.ts';
import { closedPort } from '../../test/support/ports.ts';
import { AdvisoryStore, type StoreLocation } from './store/advisory-store.ts';
import { type SourceUpdate, updateDatabase, type UpdateOptions } from './updater.ts';

const osv = fileURLToPath(new URL('../../../shared/vectors/osv/', import.meta.url));
const kevFile = fileURLToPath(new URL('../../../shared/vectors/kev/known_exploited_vulnerabilities.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sextant-updater-'));
const schemas = testSchemas('sextant_test_updater', 'updater');
const { databaseUrl } = schemas;
const schema = schemas.fresh();

/** The records of one vectors folder, by file name. */
function records(ecosystem: string): Record<string, Buffer> {
  return Object.fromEntries(
    readdirSync(join(osv, ecosystem))
      .filter((n) => n.endsWith('.json'))
      .map((n) => [n, readFileSync(join(osv, ecosystem, n))]),
  );
}

const dumps = { Maven: records('Maven'), PyPI: records('PyPI'), npm: records('npm') };
const counts = { Maven: Object.keys(dumps.Maven).length, PyPI: Object.keys(dumps.PyPI).length, npm: Object.keys(dumps.npm).length };
const kevJson = readFileSync(kevFile);
const kevCount = (JSON.parse(kevJson.toString()) as { vulnerabilities: unknown[] }).vulnerabilities.length;

/** A zip of `files`, the same bytes (and so the same ETag) every time it is built. */
function zip(files: Zippable): Uint8Array {
  return zipSync(files, { mtime: '2025-09-01T00:00:00Z' });
}

/** An EPSS file in the published shape: CVE-2025-48384 (in KEV) and `rows - 1` generated CVEs. */
function epssFile(rows: number, date: string): Buffer {
  const lines = [`#model_version:v2025.03.14,score_date:${date}T12:55:00Z`, 'cve,epss,percentile', 'CVE-2025-48384,0.94321,0.99912'];
  for (let i = 1; i < rows; i++) lines.push(`CVE-2024-${20000 + i},${(i % 1000) / 1000},${(i % 997) / 997}`);
  return gzipSync(`${lines.join('\n')}\n`);
}

/** A PyPI record under a new id, or an existing one with a later `modified`. */
function pypiRecord(id: string, modified: string): Buffer {
  const base = JSON.parse((dumps.PyPI[Object.keys(dumps.PyPI)[0] as string] as Buffer).toString()) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...base, id, modified, aliases: [] }));
}

let server: FeedServer;

const firstZips = Object.entries(dumps).map(([ecosystem, files]) => [ecosystem, zip(files)] as const);
const firstEpss = epssFile(3000, '2025-11-25');

/** Serve the three dumps, their list, KEV and EPSS as they first are. */
function serveFeeds(): void {
  server.files.clear();
  server.put('/ecosystems.txt', Buffer.from('Maven\nPyPI\nnpm\n'));
  for (const [ecosystem, bytes] of firstZips) server.put(`/${ecosystem}/all.zip`, bytes);
  server.put('/kev.json', kevJson);
  server.put('/epss.csv.gz', firstEpss);
}

beforeAll(async () => {
  server = await FeedServer.start();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const backends: [string, () => StoreLocation][] = [['SQLite', () => ({ url: join(dir, 'advisories.sqlite') })]];
if (databaseUrl) backends.push(['PostgreSQL', () => ({ url: databaseUrl, schema })]);

const byName = (results: SourceUpdate[]) => Object.fromEntries(results.map((r) => [r.name, r]));

describe.each(backends)('updateDatabase on %s', (backend, location) => {
  let store: AdvisoryStore;
  const work = join(dir, `work-${backend}`);
  const options = (): UpdateOptions => ({ source: server.url, kevUrl: `${server.url}/kev.json`, epssUrl: `${server.url}/epss.csv.gz`, workDir: work });

  /** Everything an update could change: advisories (by digest), sources, and the KEV and EPSS rows of a few CVEs. */
  async function snapshot() {
    const cves = ['CVE-2025-48384', 'CVE-2025-49704', 'CVE-2024-20001', 'CVE-2024-22999'];
    return {
      summary: await store.summary(),
      sources: await store.sources(),
      kev: [...(await store.knownExploited(cves)).entries()],
      epss: [...(await store.exploitPredictions(cves)).entries()],
    };
  }

  beforeAll(async () => {
    serveFeeds();
    mkdirSync(work, { recursive: true });
    store = await AdvisoryStore.open(location());
  });
  afterAll(async () => {
    await store.close();
  });

  it('imports every dump the source lists, KEV and EPSS; a second run is unchanged (304) and writes nothing', async () => {
    const first = byName(await updateDatabase(store, options()));
    for (const ecosystem of ['Maven', 'PyPI', 'npm'] as const) {
      expect(first[`osv:${ecosystem}`]).toEqual({
        name: `osv:${ecosystem}`,
        status: 'updated',
        count: counts[ecosystem],
        fingerprint: expect.stringMatching(/^etag:"[0-9a-f]{16}"$/),
        changes: { inserted: counts[ecosystem], updated: 0, unchanged: 0 },
      });
    }
    expect(first.kev).toMatchObject({ status: 'updated', count: kevCount });
    expect(first.epss).toMatchObject({ status: 'updated', count: 3000 });
    expect((await store.summary()).advisories).toBe(counts.Maven + counts.PyPI + counts.npm);
    // Sorted here: the two databases collate names differently.
    const sources = (await store.sources()).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(sources.map((s) => [s.name, s.count, s.fingerprint])).toEqual([
      ['epss', 3000, first.epss?.fingerprint],
      ['kev', kevCount, first.kev?.fingerprint],
      ['osv:Maven', counts.Maven, first['osv:Maven']?.fingerprint],
      ['osv:PyPI', counts.PyPI, first['osv:PyPI']?.fingerprint],
      ['osv:npm', counts.npm, first['osv:npm']?.fingerprint],
    ]);
    expect(readdirSync(work)).toEqual([]);

    const before = await snapshot();
    server.takeRequests();
    const second = await updateDatabase(store, options());
    expect(second.map((r) => [r.name, r.status, r.count])).toEqual([
      ['osv:Maven', 'unchanged', counts.Maven],
      ['osv:PyPI', 'unchanged', counts.PyPI],
      ['osv:npm', 'unchanged', counts.npm],
      ['kev', 'unchanged', kevCount],
      ['epss', 'unchanged', 3000],
    ]);
    expect(server.takeRequests().sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { path: '/Maven/all.zip', status: 304 },
      { path: '/PyPI/all.zip', status: 304 },
      { path: '/ecosystems.txt', status: 200 },
      { path: '/epss.csv.gz', status: 304 },
      { path: '/kev.json', status: 304 },
      { path: '/npm/all.zip', status: 304 },
    ]);
    // Not even the sources' update times moved.
    expect(await snapshot()).toEqual(before);
  });

  it('applies a changed dump by modified time and keeps records a newer dump no longer holds', async () => {
    const names = Object.keys(dumps.PyPI);
    const changedId = JSON.parse((dumps.PyPI[names[0] as string] as Buffer).toString()).id as string;
    const dropped = JSON.parse((dumps.PyPI[names[1] as string] as Buffer).toString()).id as string;
    const next = { ...dumps.PyPI, [names[0] as string]: pypiRecord(changedId, '2099-01-01T00:00:00Z'), 'PYSEC-TEST-1.json': pypiRecord('PYSEC-TEST-1', '2099-01-01T00:00:00Z') };
    delete next[names[1] as string];
    server.put('/PyPI/all.zip', zip(next));
    server.takeRequests();
    const results = byName(await updateDatabase(store, { ...options(), ecosystems: ['PyPI', 'npm'], kevUrl: null, epssUrl: null }));
    expect(Object.keys(results)).toEqual(['osv:PyPI', 'osv:npm']);
    expect(results['osv:PyPI']).toMatchObject({ status: 'updated', count: counts.PyPI, changes: { inserted: 1, updated: 1, unchanged: counts.PyPI - 2 } });
    expect(results['osv:npm']?.status).toBe('unchanged');
    // Named ecosystems are fetched without the list; KEV and EPSS left out are not fetched.
    expect(server.takeRequests().map((r) => r.path).sort()).toEqual(['/PyPI/all.zip', '/npm/all.zip']);
    expect((await store.find(changedId))[0]?.modified).toBe('2099-01-01T00:00:00Z');
    expect(await store.find('PYSEC-TEST-1')).toHaveLength(1);
    expect(await store.find(dropped)).toHaveLength(1);
    expect((await store.summary()).advisories).toBe(counts.Maven + counts.PyPI + counts.npm + 1);
  });

  it('leaves the store exactly as it was, with one line, when a dump fails part-way through an update', async () => {
    const before = await snapshot();
    // Everything else changed, so a non-atomic update would have written something.
    const pypiZip = zip({ ...dumps.PyPI, 'PYSEC-TEST-2.json': pypiRecord('PYSEC-TEST-2', '2099-01-02T00:00:00Z') });
    const emptyKev = Buffer.from(JSON.stringify({ ...JSON.parse(kevJson.toString()), vulnerabilities: [] }));
    const changeTheRest = () => {
      server.put('/PyPI/all.zip', pypiZip);
      server.put('/kev.json', emptyKev);
      server.put('/epss.csv.gz', epssFile(10, '2025-11-26'));
    };
    changeTheRest();
    // A changed npm dump, so that it is downloaded rather than answered with 304.
    const npmZip = zip({ ...dumps.npm, 'GHSA-test-test-test.json': Buffer.from(JSON.stringify({ id: 'GHSA-test-test-test', modified: '2099-01-01T00:00:00Z' })) });
    const brokenRecord = zip({ ...dumps.npm, 'GHSA-zzzz-zzzz-zzzz.json': Buffer.from('{"id": "GHSA-zzzz-zzzz-zzzz", "modified": ') });
    const faults: [string, () => void, string, RegExp][] = [
      ['HTTP 500', () => server.put('/npm/all.zip', npmZip, { status: 500 }), 'NETWORK', /^cannot download http:\/\/127\.0\.0\.1:\d+\/npm\/all\.zip: HTTP 500 Internal Server Error$/],
      ['a truncated body', () => server.put('/npm/all.zip', npmZip, { truncateAt: 1000 }), 'CORRUPT', /\/npm\/all\.zip: truncated \(1000 of \d+ bytes received\)$/],
      ['a corrupt zip', () => server.put('/npm/all.zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(5000, 7)])), 'CORRUPT', /not a readable zip/],
      ['a malformed record', () => server.put('/npm/all.zip', brokenRecord), 'CORRUPT', /GHSA-zzzz-zzzz-zzzz\.json: malformed JSON/],
      ['no ecosystem list', () => server.put('/ecosystems.txt', Buffer.alloc(0), { status: 503 }), 'NETWORK', /^cannot list the OSV ecosystems \(.*HTTP 503 Service Unavailable\); name them with --ecosystem$/],
    ];
    for (const [what, fault, code, message] of faults) {
      fault();
      const error = await updateDatabase(store, options()).then(
        () => new Error(`the update succeeded despite ${what}`),
        (e: unknown) => e as Error,
      );
      expect(error, what).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(error.message).not.toContain('\n');
      expect(await snapshot(), what).toEqual(before);
      expect(readdirSync(work), what).toEqual([]);
      serveFeeds();
      changeTheRest();
    }
    // With the fault gone, the same update lands whole.
    const results = byName(await updateDatabase(store, options()));
    expect([results['osv:PyPI']?.status, results.kev?.status, results.epss?.status]).toEqual(['updated', 'updated', 'updated']);
    expect(results['osv:npm']?.status).toBe('unchanged');
    expect(await store.find('PYSEC-TEST-2')).toHaveLength(1);
    expect((await store.knownExploited(['CVE-2025-48384'])).size).toBe(0);
    expect(results.epss?.count).toBe(10);
    expect((await store.exploitPredictions(['CVE-2024-20001', 'CVE-2024-22999'])).size).toBe(1);
  });

  it('reports an unreachable or unreadable KEV and EPSS, keeps their previous data, and still applies OSV', async () => {
    serveFeeds();
    const restored = byName(await updateDatabase(store, options()));
    expect([restored.kev?.status, restored.epss?.status, restored.kev?.count, restored.epss?.count]).toEqual(['updated', 'updated', kevCount, 3000]);
    const kevBefore = await store.knownExploited(['CVE-2025-48384']);
    const sourcesBefore = (await store.sources()).filter((s) => s.name === 'kev' || s.name === 'epss');

    server.put('/PyPI/all.zip', zip({ ...dumps.PyPI, 'PYSEC-TEST-3.json': pypiRecord('PYSEC-TEST-3', '2099-01-03T00:00:00Z') }));
    server.put('/epss.csv.gz', Buffer.alloc(0), { status: 500 });
    const port = await closedPort();
    const results = byName(await updateDatabase(store, { ...options(), kevUrl: `http://127.0.0.1:${port}/kev.json` }));
    expect(results['osv:PyPI']?.status).toBe('updated');
    expect(await store.find('PYSEC-TEST-3')).toHaveLength(1);
    expect(results.kev).toEqual({
      name: 'kev',
      status: 'unreachable',
      count: kevCount,
      fingerprint: restored.kev?.fingerprint,
      message: `cannot download http://127.0.0.1:${port}/kev.json: connection refused`,
    });
    expect(results.epss).toMatchObject({ status: 'unreachable', count: 3000, message: expect.stringMatching(/epss\.csv\.gz: HTTP 500 Internal Server Error$/) });

    // Reachable but unreadable: failed, and again the rest lands.
    server.put('/kev.json', Buffer.from('{"title": "not quite"'));
    server.put('/epss.csv.gz', gzipSync('cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n'));
    server.put('/PyPI/all.zip', zip({ ...dumps.PyPI, 'PYSEC-TEST-4.json': pypiRecord('PYSEC-TEST-4', '2099-01-04T00:00:00Z') }));
    const broken = byName(await updateDatabase(store, options()));
    expect(broken.kev).toMatchObject({ status: 'failed', count: kevCount, message: expect.stringMatching(/kev\.json: not a KEV catalogue: malformed JSON/) });
    expect(broken.epss).toMatchObject({ status: 'failed', count: 3000, message: expect.stringMatching(/epss\.csv\.gz: line 1: no score_date comment/) });
    expect(await store.find('PYSEC-TEST-4')).toHaveLength(1);
    expect(await store.knownExploited(['CVE-2025-48384'])).toEqual(kevBefore);
    expect((await store.sources()).filter((s) => s.name === 'kev' || s.name === 'epss')).toEqual(sourcesBefore);
  });

  it('looks up KEV entries and EPSS scores by CVE', async () => {
    serveFeeds();
    await updateDatabase(store, options());
    const kev = await store.knownExploited(['CVE-2025-48384', 'CVE-2025-49704', 'CVE-1999-0001']);
    expect([...kev.keys()].sort()).toEqual(['CVE-2025-48384', 'CVE-2025-49704']);
    expect(kev.get('CVE-2025-48384')).toMatchObject({ vendorProject: 'Git', product: 'Git', dateAdded: '2025-08-25', dueDate: '2025-09-15', knownRansomware: false });
    expect(kev.get('CVE-2025-49704')?.knownRansomware).toBe(true);
    const epss = await store.exploitPredictions(['CVE-2025-48384', 'CVE-2024-20500', 'CVE-1999-0001']);
    expect(epss).toEqual(
      new Map([
        ['CVE-2025-48384', { cve: 'CVE-2025-48384', score: 0.94321, percentile: 0.99912, date: '2025-11-25' }],
        ['CVE-2024-20500', { cve: 'CVE-2024-20500', score: 0.5, percentile: 500 / 997, date: '2025-11-25' }],
      ]),
    );
  });

  it('fetches an ecosystem whose name has a space or a colon at its escaped path', async () => {
    const record = (id: string, ecosystem: string) =>
      Buffer.from(JSON.stringify({ id, modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem, name: 'openssl' }, versions: ['1.0'] }] }));
    server.put('/Red%20Hat/all.zip', zip({ 'RHSA-TEST-1.json': record('RHSA-TEST-1', 'Red Hat') }));
    server.put('/Ubuntu:22.04:LTS/all.zip', zip({ 'UBUNTU-TEST-1.json': record('UBUNTU-TEST-1', 'Ubuntu:22.04:LTS') }));
    const results = await updateDatabase(store, { ...options(), ecosystems: ['Red Hat', 'Ubuntu:22.04:LTS'], kevUrl: null, epssUrl: null });
    expect(results.map((r) => [r.name, r.status, r.count])).toEqual([
      ['osv:Red Hat', 'updated', 1],
      ['osv:Ubuntu:22.04:LTS', 'updated', 1],
    ]);
    expect((await store.affecting('Red Hat', ['openssl'])).map((m) => m.advisory.id)).toEqual(['RHSA-TEST-1']);
  });
});
