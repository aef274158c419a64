// The SQLite reader against databases SQLite itself wrote: rows still in the write-ahead log are read too.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSextantError } from '../../../core/errors.ts';
import type { ParseContext } from '../../cataloger.ts';
import { applyWal, parseRpmSqlite, readSqliteBlobs } from './parse-sqlite.ts';
import { packageHeader } from './testdata/build-header.ts';

let dir: string;
let main: Buffer;
let wal: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-rpm-wal-'));
  const path = join(dir, 'rpmdb.sqlite');
  const db = new DatabaseSync(path);
  // rpm's schema and journal mode; automatic checkpoints off so later rows stay in the log, as after a crash.
  db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
  const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
  insert.run(packageHeader('bash', '5.2.26', '3.fc40'));
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  insert.run(packageHeader('curl', '8.6.0', '1.fc40'));
  insert.run(packageHeader('glibc', '2.39', '2.fc40'));
  db.exec('DELETE FROM Packages WHERE hnum = 1');
  // Copies taken while the connection is open: the main file holds bash only, the log the rest.
  main = await readFile(path);
  wal = await readFile(`${path}-wal`);
  db.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rpmdb.sqlite with a write-ahead log', () => {
  it('reads only checkpointed rows without the log', () => {
    expect([main[18], main[19]]).toEqual([2, 2]);
    expect([...readSqliteBlobs(main, '/var/lib/rpm/rpmdb.sqlite')].map((b) => b.key)).toEqual([1]);
    // The WAL-mode marker is flipped only for the copy SQLite takes; the caller's bytes are left as they were.
    expect([main[18], main[19]]).toEqual([2, 2]);
  });

  it('applies committed frames of the log', async () => {
    expect(wal.length).toBeGreaterThan(32);
    const ctx: ParseContext = {
      location: { path: '/var/lib/rpm/rpmdb.sqlite', layerDigest: null },
      distro: null,
      foundBy: 'rpm-db@1',
      readFile: (p) => Promise.resolve(p === '/var/lib/rpm/rpmdb.sqlite-wal' ? wal : undefined),
    };
    expect((await parseRpmSqlite(main, ctx)).map((p) => p.name)).toEqual(['curl', 'glibc']);
  });

  it('ignores a damaged or foreign log', () => {
    const bad = Buffer.from(wal);
    bad[40] = (bad[40] ?? 0) ^ 0xff;
    expect([...readSqliteBlobs(main, 'x', bad)].map((b) => b.key)).toEqual([1]);
    expect(applyWal(main, Buffer.alloc(64)).equals(main)).toBe(true);
    // A torn last frame: earlier committed transactions still apply.
    const torn = wal.subarray(0, wal.length - 100);
    expect(() => [...readSqliteBlobs(main, 'x', torn)]).not.toThrow();
    // Random damage to the log ends in rows or CORRUPT, never another error.
    for (let k = 0; k < 200; k++) {
      const hurt = Buffer.from(wal);
      hurt[(k * 7919) % hurt.length] = (k * 31) & 0xff;
      hurt.writeUInt32BE(k % 2 ? 1 : hurt.readUInt32BE(8), 8);
      try {
        expect([...readSqliteBlobs(main, 'x', hurt)].length).toBeLessThanOrEqual(3);
      } catch (err) {
        expect(isSextantError(err, 'CORRUPT')).toBe(true);
      }
    }
  });
});
