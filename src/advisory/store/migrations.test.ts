// The 003 migration on a store written by the previous schema (whole records as JSON text): every advisory comes
// back the same through `find`, and matching lookups work on the rewritten rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Advisory } from '../../core/advisory.ts';
import { AdvisoryStore } from './advisory-store.ts';
import { migrateToLatest } from './migrations.ts';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const old: Advisory = {
  id: 'DSA-5532-1',
  aliases: ['CVE-2023-5363'],
  related: [],
  modified: '2024-01-01T00:00:00Z',
  published: '2023-10-24T00:00:00Z',
  withdrawn: null,
  summary: 'openssl security update',
  details: 'Incorrect cipher key and IV length processing.',
  severity: { rating: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' },
  affected: ['Debian:12', 'Debian:11'].map((ecosystem) => ({ ecosystem, name: 'openssl', purl: null, ranges: [{ type: 'ECOSYSTEM' as const, events: [{ introduced: '0' }, { fixed: `3.0.11-1~deb${ecosystem.slice(-2)}u2` }] }], versions: [], severity: null })),
  references: [{ type: 'ADVISORY', url: 'https://www.debian.org/security/2023/dsa-5532' }],
  cwes: ['CWE-325'],
};

describe('003-compact-records', () => {
  it('rewrites whole-record rows into head, body and ordered affected rows', async () => {
    const path = join(dir, 'old.sqlite');
    const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: nodeSqliteDialect(path) });
    await migrateToLatest(db as Kysely<unknown>, 'sqlite', '002-exploits');
    await db.insertInto('advisory').values({ id: old.id, modified: old.modified, published: old.published, withdrawn: null, severity_rating: 'high', severity_score: 7.5, source: 'import:x', digest: 'sha256:old', record: JSON.stringify(old) }).execute();
    await db.insertInto('advisory_alias').values({ alias: 'CVE-2023-5363', advisory_id: old.id }).execute();
    for (const p of old.affected) await db.insertInto('affected').values({ advisory_id: old.id, ecosystem: 'Debian', ecosystem_release: p.ecosystem.slice(7), name: 'openssl', data: JSON.stringify(p) }).execute();
    await db.destroy();

    const store = await AdvisoryStore.open({ url: path });
    try {
      expect(await store.find('CVE-2023-5363')).toEqual([old]);
      expect((await store.affecting('Debian', ['openssl'], '12')).map((m) => [m.advisory.id, m.affected.ecosystem])).toEqual([[old.id, 'Debian:12']]);
      // The digest is recomputed the way upserts compute it, so the same record upserted again changes nothing.
      expect(await store.upsert([old], 'import:x')).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    } finally {
      await store.close();
    }
  });
});
