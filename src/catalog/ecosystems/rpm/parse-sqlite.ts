// rpm's SQLite backend (`rpmdb.sqlite`): the header blobs of the `Packages` table, read from bytes with node:sqlite.
import { DatabaseSync } from 'node:sqlite';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { rpmPackages } from './packages.ts';
import type { RpmBlob, RpmParseOptions } from './packages.ts';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Packages of an `rpmdb.sqlite` file, with the transactions still in its `-wal` file (read beside it) applied.
 * The bytes are deserialised into a private in-memory database, so nothing touches the disk and the image's file
 * is never opened by SQLite. Throws CORRUPT when the bytes are not an SQLite database with a `Packages` table.
 */
export async function parseRpmSqlite(content: Buffer, ctx: ParseContext, options: RpmParseOptions = {}): Promise<Package[]> {
  const wal = await ctx.readFile(`${ctx.location.path}-wal`);
  return rpmPackages(readSqliteBlobs(content, ctx.location.path, wal), ctx, options);
}

/**
 * The `(hnum, blob)` rows of the `Packages` table in `content`, after committed frames of `wal` (if any), in hnum
 * order. Rows are produced one at a time so a large database is never held twice as JavaScript buffers.
 */
export function* readSqliteBlobs(content: Buffer, path: string, wal?: Buffer): Generator<RpmBlob> {
  if (content.length < 100 || !content.subarray(0, 16).equals(SQLITE_MAGIC)) {
    throw new SextantError('CORRUPT', `${path}: not an SQLite database`);
  }
  const db = new DatabaseSync(':memory:');
  try {
    open(db, wal && wal.length > WAL_HEADER ? applyWal(content, wal) : content);
    // Defence in depth for a hostile file: no writes, no schema tricks.
    db.exec('PRAGMA query_only = ON; PRAGMA trusted_schema = OFF');
    // A view named Packages could run an endless recursive query; only a real table is read.
    const kind = db.prepare("SELECT type FROM sqlite_master WHERE name = 'Packages'").get() as { type?: unknown } | undefined;
    if (kind?.type !== 'table') throw new Error('no Packages table');
    for (const row of db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate()) {
      const { hnum, blob } = row as { hnum: unknown; blob: unknown };
      if (blob instanceof Uint8Array) yield { key: Number(hnum), blob: Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength) };
    }
  } catch (err) {
    throw new SextantError('CORRUPT', `${path}: unreadable rpm SQLite database (${(err as Error).message})`, { cause: err });
  } finally {
    db.close();
  }
}

// rpm leaves its database in WAL mode (header bytes 18-19 = 2), which an in-memory database cannot open; the bytes
// are marked as a rollback-journal database for the moment deserialize() copies them, then restored, so the
// caller's buffer is unchanged and no second copy of a large database is made in JavaScript.
function open(db: DatabaseSync, bytes: Buffer): void {
  const [write, read] = [bytes[18], bytes[19]];
  try {
    if (write === 2) bytes[18] = 1;
    if (read === 2) bytes[19] = 1;
    db.deserialize(bytes);
  } finally {
    if (write !== undefined) bytes[18] = write;
    if (read !== undefined) bytes[19] = read;
  }
}

const WAL_HEADER = 32;
const WAL_FRAME_HEADER = 24;
const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;

/**
 * `db` with the committed transactions of its write-ahead log applied (SQLite's WAL format, sqlite.org/walformat):
 * frames are read while their salts match the header and their running checksum holds, and pages are written up to
 * the last commit frame. rpm checkpoints on close, so the log is normally empty; a process killed mid-build leaves
 * committed rows only here. A log that does not validate changes nothing.
 */
export function applyWal(db: Buffer, wal: Buffer): Buffer {
  const magic = wal.readUInt32BE(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return Buffer.from(db);
  const bigEndian = magic === WAL_MAGIC_BE;
  const pageSize = wal.readUInt32BE(8) === 1 ? 65536 : wal.readUInt32BE(8);
  // A log for another page size is not this database's log.
  const dbPageSize = db.readUInt16BE(16) === 1 ? 65536 : db.readUInt16BE(16);
  if (pageSize !== dbPageSize || pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return Buffer.from(db);
  let sum = walChecksum(wal, 0, 24, [0, 0], bigEndian);
  if (sum[0] !== wal.readUInt32BE(24) || sum[1] !== wal.readUInt32BE(28)) return Buffer.from(db);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  // Pages of the transaction being read; they count only once its commit frame arrives.
  const pending = new Map<number, number>();
  const committed = new Map<number, number>();
  let dbPages = 0;
  for (let at = WAL_HEADER; at + WAL_FRAME_HEADER + pageSize <= wal.length; at += WAL_FRAME_HEADER + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    sum = walChecksum(wal, at, 8, sum, bigEndian);
    sum = walChecksum(wal, at + WAL_FRAME_HEADER, pageSize, sum, bigEndian);
    if (sum[0] !== wal.readUInt32BE(at + 16) || sum[1] !== wal.readUInt32BE(at + 20)) break;
    const page = wal.readUInt32BE(at);
    if (page === 0) break;
    pending.set(page, at + WAL_FRAME_HEADER);
    const commitSize = wal.readUInt32BE(at + 4);
    if (commitSize > 0) {
      for (const [p, off] of pending) committed.set(p, off);
      pending.clear();
      dbPages = commitSize;
    }
  }
  if (committed.size === 0) return Buffer.from(db);
  // The database's size after the last commit, bounded so a hostile log cannot make us allocate without limit.
  const size = Math.min(dbPages * pageSize, db.length + committed.size * pageSize);
  const out = Buffer.alloc(size);
  db.copy(out, 0, 0, Math.min(db.length, size));
  for (const [page, off] of committed) {
    const dest = (page - 1) * pageSize;
    if (dest + pageSize <= size) wal.copy(out, dest, off, off + pageSize);
  }
  return out;
}

// SQLite's WAL checksum: Fibonacci-weighted sums over pairs of 32-bit words, in the byte order the magic names.
function walChecksum(buf: Buffer, start: number, length: number, seed: [number, number], bigEndian: boolean): [number, number] {
  let [s0, s1] = seed;
  for (let i = start; i + 8 <= start + length; i += 8) {
    const x0 = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
    const x1 = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}
