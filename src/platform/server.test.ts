// `startServer` and `sextant server` for real: listening on 127.0.0.1, bootstrapping a fresh database with its first
// admin token (generated or from SEXTANT_BOOTSTRAP_TOKEN), keeping it across restarts, stopping on SIGTERM,
// scheduling the daily pruning of finished history unless --retention-days is 0.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isSextantError } from '../core/errors.ts';
import { zipSync } from 'fflate';
import { FeedServer } from '../../test/support/feed-server.ts';
import { testSchemas } from '../../test/support/pg-schemas.ts';
import { readJob, type JobRecord } from './store/jobs.ts';
import { PlatformStore } from './store/platform-store.ts';
import { startServer } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-server-'));
const schemas = testSchemas('sextant_server');
const { databaseUrl } = schemas;
const schema = schemas.fresh();
const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

const get = (url: string, token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('startServer', () => {
  it('bootstraps a fresh SQLite database once, printing the generated admin token, and keeps it across restarts', async () => {
    const data = join(dir, 'fresh');
    const printed: string[] = [];
    const first = await startServer({ port: 0, host: '127.0.0.1', data, version: '9.9.9', print: (l) => printed.push(l) });
    let token: string;
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed).toHaveLength(1);
      token = /^sextant: first admin token: (sxt_\S+)$/.exec(printed[0] ?? '')?.[1] as string;
      expect(token).toBeDefined();
      expect(await (await get(`${first.url}/api/v1/health`)).json()).toEqual({ status: 'ok', version: '9.9.9' });
      expect((await get(`${first.url}/api/v1/tokens`, token)).status).toBe(200);
      expect((await get(`${first.url}/api/v1/tokens`)).status).toBe(401);
    } finally {
      await first.close();
    }
    await expect(fetch(`${first.url}/api/v1/health`)).rejects.toThrow();

    const again: string[] = [];
    const second = await startServer({ port: 0, host: '127.0.0.1', data, version: '9.9.9', print: (l) => again.push(l), bootstrapToken: 'sxt_ignored-because-not-fresh-0000' });
    try {
      expect(again).toEqual(['sextant: SEXTANT_BOOTSTRAP_TOKEN not installed: the database already has an org and tokens']);
      const tokens = (await (await get(`${second.url}/api/v1/tokens`, token)).json()) as { tokens: { name: string; scopes: string[] }[] };
      expect(tokens.tokens).toEqual([expect.objectContaining({ name: 'bootstrap', scopes: ['admin'] })]);
      expect((await get(`${second.url}/api/v1/images`, 'sxt_ignored-because-not-fresh-0000')).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('installs SEXTANT_BOOTSTRAP_TOKEN as the first admin token without printing it', async () => {
    const printed: string[] = [];
    const token = 'sxt_automation-token-0123456789';
    const server = await startServer({ port: 0, host: '127.0.0.1', data: join(dir, 'given'), version: 't', bootstrapToken: token, print: (l) => printed.push(l) });
    try {
      expect(printed).toEqual(['sextant: installed SEXTANT_BOOTSTRAP_TOKEN as the first admin token of org "default"']);
      expect((await get(`${server.url}/api/v1/tokens`, token)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses a short bootstrap token and a --database that is not PostgreSQL', async () => {
    const short = startServer({ port: 0, host: '127.0.0.1', data: join(dir, 'short'), version: 't', bootstrapToken: 'short', print: () => {} });
    await expect(short).rejects.toSatisfy((e) => isSextantError(e, 'USAGE'));
    const sqliteUrl = startServer({ port: 0, host: '127.0.0.1', data: dir, database: join(dir, 'x.sqlite'), version: 't', print: () => {} });
    await expect(sqliteUrl).rejects.toSatisfy((e) => isSextantError(e, 'USAGE'));
  });

  it('prunes finished history once a day with the default retention of 30 days, and never with 0', async () => {
    const data = join(dir, 'retention');
    const day = Math.floor(Date.now() / 86_400_000);
    const key = `prune-history:24h:${day}`;
    // A job record finished 31 days ago, left by an earlier run.
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    mkdirSync(data, { recursive: true });
    const seeded = await PlatformStore.open({ url: join(data, 'sextant.sqlite') });
    await seeded.db
      .insertInto('job')
      .values({ id: 'old-job', org_id: null, kind: 'deliver-webhook', payload: '{}', state: 'done', attempts: 1, max_attempts: 3, run_at: old, job_key: null, last_error: null, result: null, created_at: old, updated_at: old })
      .execute();
    await seeded.close();

    const keep = await startServer({ port: 0, host: '127.0.0.1', data, version: 't', retentionDays: 0, print: () => {} });
    await keep.close();
    let store = await PlatformStore.open({ url: join(data, 'sextant.sqlite') });
    try {
      expect((await store.db.selectFrom('job').select('id').execute()).map((r) => r.id)).toEqual(['old-job']);
    } finally {
      await store.close();
    }

    const server = await startServer({ port: 0, host: '127.0.0.1', data, version: 't', jobs: { pollInterval: 20 }, print: () => {} });
    store = await PlatformStore.open({ url: join(data, 'sextant.sqlite') });
    try {
      let job: JobRecord | null = null;
      const deadline = Date.now() + 20_000;
      while (!(job?.state === 'done' || job?.state === 'failed') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        const row = await store.db.selectFrom('job').select('id').where('job_key', '=', key).executeTakeFirst();
        job = row ? await readJob(store.db, row.id) : null;
      }
      expect(job).toMatchObject({ kind: 'prune-history', state: 'done', payload: { retentionDays: 30 }, runAt: new Date(day * 86_400_000).toISOString(), result: { jobs: 1, deliveries: 0 } });
      expect((await store.db.selectFrom('job').select('job_key').execute()).map((r) => r.job_key)).toEqual([key]);
    } finally {
      await store.close();
      await server.close();
    }
  });

  it('refuses a retention that is not whole days from 0 to 3650', async () => {
    for (const retentionDays of [-1, 1.5, 3651]) {
      await expect(startServer({ port: 0, host: '127.0.0.1', data: join(dir, 'bad-retention'), version: 't', retentionDays, print: () => {} })).rejects.toSatisfy(
        (e) => isSextantError(e, 'USAGE') && (e as Error).message === '--retention-days takes whole days from 0 (keep everything) to 3650',
      );
    }
  });

  it.runIf(databaseUrl)('serves from PostgreSQL with --database', async () => {
    const printed: string[] = [];
    const server = await startServer({ port: 0, host: '127.0.0.1', data: join(dir, 'unused'), database: databaseUrl, databaseSchema: schema, version: 't', print: (l) => printed.push(l) });
    try {
      const token = /first admin token: (\S+)$/.exec(printed[0] ?? '')?.[1] as string;
      expect((await get(`${server.url}/api/v1/images`, token)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('sextant server', () => {
  it('serves on the port and data directory given, and stops cleanly on SIGTERM', async () => {
    const data = join(dir, 'cli');
    const token = 'sxt_cli-bootstrap-token-0123456789';
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main, 'server', '--port', '0', '--data', data], {
      env: { ...process.env, SEXTANT_BOOTSTRAP_TOKEN: token, PORT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL in time; stderr: ${stderr}`)), 30_000);
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const match = /the API on (http:\/\/\S+)\/api\/v1/.exec(stderr);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      expect(stdout).toContain('installed SEXTANT_BOOTSTRAP_TOKEN');
      expect((await get(`${url}/api/v1/images`, token)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/sextant: stopped \(SIGTERM\)\n$/);
  });

  it('refuses a bad port with a one-line usage error', async () => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main, 'server', '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe('sextant: --port must be a port number (0 to 65535), not "eighty"\n');
  });

  it('refuses a bad --retention-days with a one-line usage error', async () => {
    const run = (value: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main, 'server', '--port', '0', '--data', join(dir, 'bad-retention-cli'), `--retention-days=${value}`], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const values = ['1.5', '-1', '3651', 'thirty', ''];
    const results = await Promise.all(values.map(run));
    results.forEach((result, i) => {
      expect(result).toEqual({ code: 2, stdout: '', stderr: `sextant: --retention-days takes whole days from 0 (keep everything) to 3650, not "${values[i]}"\n` });
    });
  });

  it('syncs advisories from its source over POST /api/v1/advisories/sync and answers with what the sync re-evaluated', async () => {
    const feed = await FeedServer.start();
    const record = { id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }] };
    feed.put('/npm/all.zip', zipSync({ 'GHSA-35jh-r3h4-6jhm.json': Buffer.from(JSON.stringify(record)) }));
    const token = 'sxt_sync-test-admin-token-0000';
    const server = await startServer({ port: 0, host: '127.0.0.1', data: join(dir, 'sync'), version: '9.9.9', advisorySource: feed.url, kevUrl: null, epssUrl: null, bootstrapToken: token, print: () => {} });
    try {
      const sync = () => fetch(`${server.url}/api/v1/advisories/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ecosystems: ['npm'] }) });
      const first = await sync();
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ sources: [{ name: 'osv:npm', status: 'updated', count: 1 }], reevaluated: { images: 0, appeared: 0, disappeared: 0 } });
      const status = (await (await get(`${server.url}/api/v1/advisories/status`, token)).json()) as { advisories: number };
      expect(status.advisories).toBe(1);
      expect(await (await sync()).json()).toMatchObject({ sources: [{ name: 'osv:npm', status: 'unchanged' }] });
    } finally {
      await server.close();
      await feed.close();
    }
  });
});
