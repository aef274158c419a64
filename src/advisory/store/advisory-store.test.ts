// The advisory store on both databases: SQLite always, PostgreSQL when DATABASE_URL is set (.ci/run sets it), each
// in a fresh file or schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Advisory } from '../../core/advisory.ts';
import { testSchemas } from '../../../test/support/pg-schemas.ts';
import { AdvisoryStore, type StoreLocation } from './advisory-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-store-'));
const schemas = testSchemas('sextant_test', 'store');
const { databaseUrl } = schemas;
const schema = schemas.fresh();

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

function advisory(id: string, modified: string, extra: Partial<Advisory> = {}): Advisory {
  return {
    id,
    aliases: [],
    related: [],
    modified,
    published: null,
    withdrawn: null,
    summary: `summary of ${id}`,
    details: null,
    severity: null,
    affected: [],
    references: [],
    cwes: [],
    ...extra,
  };
}

const pkg = (ecosystem: string, name: string, fixed: string) => ({
  ecosystem,
  name,
  purl: null,
  ranges: [{ type: 'ECOSYSTEM' as const, events: [{ introduced: '0' }, { fixed }] }],
  versions: [],
  severity: null,
});

const backends: [string, () => StoreLocation][] = [['SQLite', () => ({ url: join(dir, 'db.sqlite') })]];
if (databaseUrl) backends.push(['PostgreSQL', () => ({ url: databaseUrl, schema })]);

describe.each(backends)('advisory store on %s', (_name, location) => {
  it('inserts, replaces only by a newer modified time, and keeps aliases and affected packages with the advisory', async () => {
    const store = await AdvisoryStore.open(location());
    try {
      const first = advisory('GHSA-aaaa-bbbb-cccc', '2024-01-01T00:00:00Z', {
        aliases: ['CVE-2024-0001', 'GHSA-aaaa-bbbb-cccc'],
        severity: { rating: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' },
        affected: [pkg('npm', 'lodash', '4.17.21')],
      });
      const dsa = advisory('DSA-5000-1', '2024-02-01T00:00:00Z', { aliases: ['CVE-2024-0001'], affected: [pkg('Debian:12', 'openssl', '3.0.11-1~deb12u1'), pkg('Debian:11', 'openssl', '1.1.1w-0+deb11u1')] });
      expect(await store.upsert([first, dsa], 'test')).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      // The same again changes nothing; an older copy changes nothing; a newer one replaces it and its rows.
      expect(await store.upsert([first], 'test')).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
      expect(await store.upsert([{ ...first, modified: '2023-01-01T00:00:00Z', summary: 'old' }], 'test')).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
      const newer = { ...first, modified: '2024-03-01T00:00:00Z', aliases: ['CVE-2024-0001', 'CVE-2024-0002'], affected: [pkg('npm', 'lodash', '4.17.22')] };
      expect(await store.upsert([newer], 'test')).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      // Different content under the same modified time (Go's records all say year 1) replaces it too.
      const goStyle = advisory('GO-2024-0001', '0001-01-01T00:00:00Z', { affected: [pkg('Go', 'example.com/a', '1.0.0')] });
      expect(await store.upsert([goStyle], 'test')).toMatchObject({ inserted: 1 });
      expect(await store.upsert([goStyle], 'test')).toMatchObject({ unchanged: 1 });
      expect(await store.upsert([{ ...goStyle, affected: [pkg('Go', 'example.com/a', '1.0.1')] }], 'test')).toMatchObject({ updated: 1 });
      expect((await store.affecting('Go', ['example.com/a']))[0]?.affected.ranges[0]?.events[1]).toEqual({ fixed: '1.0.1' });

      const lodash = await store.affecting('npm', ['lodash', 'express']);
      expect(lodash).toHaveLength(1);
      const { details: _d, references: _r, cwes: _c, affected: _a, ...head } = newer;
      expect(lodash[0]?.advisory).toEqual(head);
      expect(await store.find(newer.id)).toEqual([newer]);
      expect(lodash[0]?.affected.ranges[0]?.events).toEqual([{ introduced: '0' }, { fixed: '4.17.22' }]);
      // Every release of an ecosystem is returned; the matcher picks the image's.
      expect((await store.affecting('Debian', ['openssl'])).map((m) => m.affected.ecosystem).sort()).toEqual(['Debian:11', 'Debian:12']);
      // …or, given a release, that release's entries and those of releases under it.
      expect((await store.affecting('Debian', ['openssl'], '12')).map((m) => m.affected.ecosystem)).toEqual(['Debian:12']);
      expect(await store.affecting('Debian', ['openssl'], '1')).toEqual([]);
      expect(await store.affecting('PyPI', ['lodash'])).toEqual([]);
      // PyPI names compare as PEP 503 normalises them.
      await store.upsert([advisory('PYSEC-2099-1', '2024-01-01T00:00:00Z', { affected: [pkg('PyPI', 'Zope.Interface', '5.0')] })], 'test');
      expect((await store.affecting('PyPI', ['zope-interface'])).map((m) => m.affected.name)).toEqual(['Zope.Interface']);

      // By id, or by an alias several advisories share.
      expect((await store.find('GHSA-aaaa-bbbb-cccc')).map((a) => a.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
      expect((await store.find('CVE-2024-0001')).map((a) => a.id)).toEqual(['DSA-5000-1', 'GHSA-aaaa-bbbb-cccc']);
      expect((await store.find('CVE-2024-0002')).map((a) => a.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
      expect(await store.find('CVE-1999-9999')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('collects the packages a changed advisory names now and named before', async () => {
    const store = await AdvisoryStore.open(location());
    try {
      const first = advisory('GHSA-keys-keys-keys', '2024-01-01T00:00:00Z', { affected: [pkg('npm', 'left-pad', '1.3.0')] });
      const changed = new Set<string>();
      await store.upsert([first], 'test', changed);
      expect([...changed]).toEqual(['npm\nleft-pad']);
      changed.clear();
      await store.upsert([first], 'test', changed);
      expect([...changed]).toEqual([]);
      await store.upsert([{ ...first, modified: '2024-02-01T00:00:00Z', affected: [pkg('npm', 'right-pad', '1.0.1')] }], 'test', changed);
      expect([...changed].sort()).toEqual(['npm\nleft-pad', 'npm\nright-pad']);
    } finally {
      await store.close();
    }
  });

  it('leaves withdrawn advisories out of lookups, keeps the newest of duplicates in a batch, and reports its state', async () => {
    const store = await AdvisoryStore.open(location());
    try {
      const before = await store.summary();
      await store.upsert(
        [
          advisory('PYSEC-2024-1', '2024-01-01T00:00:00Z', { affected: [pkg('PyPI', 'django', '4.2.1')] }),
          advisory('PYSEC-2024-1', '2024-05-01T00:00:00Z', { affected: [pkg('PyPI', 'django', '4.2.9')] }),
          advisory('PYSEC-2024-2', '2024-01-01T00:00:00Z', { withdrawn: '2024-02-01T00:00:00Z', affected: [pkg('PyPI', 'django', '5.0')] }),
        ],
        'osv:PyPI',
      );
      const django = await store.affecting('PyPI', ['django']);
      expect(django.map((m) => [m.advisory.id, m.advisory.modified])).toEqual([['PYSEC-2024-1', '2024-05-01T00:00:00Z']]);
      await store.recordSource('osv:PyPI', 'etag-1', 2);
      await store.recordSource('osv:PyPI', 'etag-2', 2, '2024-06-01T00:00:00.000Z');
      expect(await store.sources()).toEqual([{ name: 'osv:PyPI', fingerprint: 'etag-2', count: 2, updatedAt: '2024-06-01T00:00:00.000Z' }]);
      const after = await store.summary();
      expect(after.advisories).toBe(before.advisories + 2);
      expect(after.withdrawn).toBe(before.withdrawn + 1);
      expect(after.lastModified).toBe('2024-05-01T00:00:00Z');
      expect(after.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(after.digest).not.toBe(before.digest);
      // The digest names the content: reopening gives the same one.
      await store.close();
      const again = await AdvisoryStore.open(location());
      expect((await again.summary()).digest).toBe(after.digest);
      await again.close();
    } catch (err) {
      await store.close().catch(() => undefined);
      throw err;
    }
  });

  it('lands everything written atomically, or nothing when the work fails', async () => {
    const store = await AdvisoryStore.open(location());
    try {
      await store.atomically(async (tx) => {
        await tx.upsert([advisory('RUSTSEC-2024-0001', '2024-01-01T00:00:00Z', { affected: [pkg('crates.io', 'hyper', '1.0.1')] })], 'tx');
        await tx.upsert([advisory('RUSTSEC-2024-0002', '2024-01-01T00:00:00Z', { affected: [pkg('crates.io', 'hyper', '1.0.2')] })], 'tx');
      });
      expect((await store.affecting('crates.io', ['hyper'])).map((m) => m.advisory.id).sort()).toEqual(['RUSTSEC-2024-0001', 'RUSTSEC-2024-0002']);
      await expect(
        store.atomically(async (tx) => {
          await tx.upsert([advisory('RUSTSEC-2024-0003', '2024-01-01T00:00:00Z', { affected: [pkg('crates.io', 'hyper', '1.0.3')] })], 'tx');
          await tx.upsert([{ ...advisory('RUSTSEC-2024-0001', '2025-01-01T00:00:00Z'), affected: [] }], 'tx');
          throw new Error('interrupted');
        }),
      ).rejects.toThrow('interrupted');
      // Neither the new advisory nor the replacement landed.
      expect((await store.affecting('crates.io', ['hyper'])).map((m) => m.advisory.id).sort()).toEqual(['RUSTSEC-2024-0001', 'RUSTSEC-2024-0002']);
    } finally {
      await store.close();
    }
  });

  it('writes thousands of advisories in one batch', async () => {
    const store = await AdvisoryStore.open(location());
    try {
      const many = Array.from({ length: 3000 }, (_, i) =>
        advisory(`GO-2099-${String(i).padStart(4, '0')}`, '2024-01-01T00:00:00Z', { aliases: [`CVE-2099-${i}`], affected: [pkg('Go', `example.com/m${i % 50}`, `1.${i}.0`)] }),
      );
      expect(await store.upsert(many, 'bulk')).toEqual({ inserted: 3000, updated: 0, unchanged: 0 });
      expect(await store.affecting('Go', ['example.com/m7'])).toHaveLength(60);
    } finally {
      await store.close();
    }
  });
});

describe('advisory store errors', () => {
  it('names the store it cannot open, in one line, without credentials', async () => {
    await expect(AdvisoryStore.open({ url: join(dir, 'missing-dir', 'db.sqlite') })).rejects.toMatchObject({ code: 'STORE', message: expect.stringMatching(/cannot open the advisory store at .*missing-dir/) });
    const err = await AdvisoryStore.open({ url: 'postgres://user:secret@127.0.0.1:1/none' }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'STORE' });
    expect((err as Error).message).not.toContain('secret');
  });
});
