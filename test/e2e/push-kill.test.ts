// A push is one transaction: a process killed (SIGKILL) while storing a large push leaves no half-stored image, on
// SQLite and on PostgreSQL. The child stores a push big enough to take a while; it is killed once its transaction
// is seen writing (the SQLite WAL growing; the PostgreSQL backend inside a transaction).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PlatformStore, type StoreLocation } from '../../src/platform/store/platform-store.ts';
import { testSchemas } from '../support/pg-schemas.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-push-kill-'));
const schemas = testSchemas('sextant_kill');
const { databaseUrl } = schemas;
const schema = schemas.fresh();
const fixtures = fileURLToPath(new URL('../support/platform-fixtures.ts', import.meta.url));
const storeModule = fileURLToPath(new URL('../../src/platform/store/platform-store.ts', import.meta.url));
const APPLICATION = 'sextant-push-kill';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

/** The child: open the store, make an org, then store one push of `packages` packages, saying when it begins. */
const CHILD = `
import { appImage } from ${JSON.stringify(fixtures)};
import { PlatformStore } from ${JSON.stringify(storeModule)};
const [url, schema, packages] = [process.argv[2], process.argv[3] || undefined, Number(process.argv[4])];
const store = await PlatformStore.open(schema ? { url, schema } : { url });
const org = await store.createOrg('acme');
const { payload } = appImage('huge', '1', Array.from({ length: packages }, (_, i) => ['pkg-' + i, '1.0.' + (i % 50)]));
process.stdout.write('begin\\n');
await store.putImage(org.id, payload, () => [], 'sha256:db');
process.stdout.write('done\\n');
await store.close();
`;

function startChild(location: StoreLocation, packages: number): { child: ChildProcess; output: () => string } {
  const script = join(dir, 'child.ts');
  writeFileSync(script, CHILD);
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', script, location.url, location.schema ?? '', String(packages)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('a push killed mid-transaction', () => {
  it('leaves nothing of the image on SQLite', async () => {
    const file = join(dir, 'kill.sqlite');
    const { child, output } = startChild({ url: file }, 20_000);
    await until(() => output().includes('begin'), 'the push to begin');
    const wal = `${file}-wal`;
    const before = existsSync(wal) ? statSync(wal).size : 0;
    await until(() => (existsSync(wal) ? statSync(wal).size : 0) > before + 64 * 1024 || output().includes('done'), 'the push to write');
    child.kill('SIGKILL');
    await exited(child);
    expect(output()).not.toContain('done');
    const store = await PlatformStore.open({ url: file });
    try {
      const counts = await store.tableCounts();
      expect(counts).toMatchObject({ image: 0, image_package: 0, package: 0, image_layer: 0, layer: 0, package_finding: 0, finding_event: 0 });
      expect(counts.org).toBe(1);
    } finally {
      await store.close();
    }
  }, 120_000);

  it.runIf(databaseUrl)('leaves nothing of the image on PostgreSQL', async () => {
    const url = `${databaseUrl}${databaseUrl?.includes('?') ? '&' : '?'}application_name=${APPLICATION}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const { child, output } = startChild({ url, schema }, 20_000);
      await until(() => output().includes('begin'), 'the push to begin');
      const inTransaction = async () =>
        output().includes('done') ||
        Number((await admin.query(`select count(*) as n from pg_stat_activity where application_name = $1 and xact_start is not null and state <> 'idle'`, [APPLICATION])).rows[0].n) > 0;
      await until(inTransaction, 'the push transaction');
      child.kill('SIGKILL');
      await exited(child);
      expect(output()).not.toContain('done');
      // PostgreSQL rolls the transaction back once it sees the connection gone.
      await until(async () => Number((await admin.query(`select count(*) as n from pg_stat_activity where application_name = $1`, [APPLICATION])).rows[0].n) === 0, 'the backend to end');
    } finally {
      await admin.end();
    }
    const store = await PlatformStore.open({ url: databaseUrl as string, schema });
    try {
      expect(await store.tableCounts()).toMatchObject({ image: 0, image_package: 0, package: 0, image_layer: 0, layer: 0, package_finding: 0, finding_event: 0, org: 1 });
    } finally {
      await store.close();
    }
  }, 120_000);
});
