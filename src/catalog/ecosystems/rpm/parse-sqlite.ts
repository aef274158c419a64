// rpm's SQLite backend (`rpmdb.sqlite`): the header blobs of the `Packages` table, read from bytes with node:sqlite.
import { DatabaseSync } from 'node:sqlite';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { rpmPackages } from './packages.ts';
import type { RpmBlob, RpmParseOptions } from './packages.ts';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Packages of an `rpmdb.sqlite` file. The bytes are deserialised into a private in-memory database, so nothing
 * touches the disk and the image's file is never opened by SQLite. Throws CORRUPT when the bytes are not an SQLite
 * database with a `Packages` table.
 */
export function parseRpmSqlite(content: Buffer, ctx: ParseContext, options: RpmParseOptions = {}): Package[] {
  return rpmPackages(readSqliteBlobs(content, ctx.location.path), ctx, options);
}

/** The `(hnum, blob)` rows of the `Packages` table in `content`. */
export function readSqliteBlobs(content: Buffer, path: string): RpmBlob[] {
  if (content.length < 100 || !content.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new SextantError('CORRUPT', `${path}: not an SQLite database`);
  }
  // rpm leaves its database in WAL mode (header bytes 18-19 = 2), which an in-memory database cannot open; marking
  // the copy as a rollback-journal database reads the same committed pages. Changes still in a -wal file are not seen.
  const copy = Buffer.from(content);
  if (copy[18] === 2) copy[18] = 1;
  if (copy[19] === 2) copy[19] = 1;
  const db = new DatabaseSync(':memory:');
  try {
    db.deserialize(copy);
    // Defence in depth for a hostile file: no writes, no schema tricks.
    db.exec('PRAGMA query_only = ON; PRAGMA trusted_schema = OFF');
    // A view named Packages could run an endless recursive query; only a real table is read.
    const kind = db.prepare("SELECT type FROM sqlite_master WHERE name = 'Packages'").get() as { type?: unknown } | undefined;
    if (kind?.type !== 'table') throw new Error('no Packages table');
    const rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').all();
    const out: RpmBlob[] = [];
    for (const row of rows) {
      const { hnum, blob } = row as { hnum: unknown; blob: unknown };
      if (blob instanceof Uint8Array) out.push({ key: Number(hnum), blob: Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength) });
    }
    return out;
  } catch (err) {
    throw new SextantError('CORRUPT', `${path}: unreadable rpm SQLite database (${(err as Error).message})`, { cause: err });
  } finally {
    db.close();
  }
}
