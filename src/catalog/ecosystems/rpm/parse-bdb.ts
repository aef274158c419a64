// rpm's Berkeley DB backend (`Packages`): a BDB hash database read page by page — metadata, bucket chains, overflow pages.
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { rpmPackages } from './packages.ts';
import type { RpmBlob, RpmParseOptions } from './packages.ts';

// Layout facts from Berkeley DB's db_page.h: a 72-byte generic metadata header, then the hash metadata.
const HASH_MAGIC = 0x061561;
const META_MAGIC = 12;
const META_PAGESIZE = 20;
const META_ENCRYPT = 24;
const META_TYPE = 25;
const META_FLAGS = 26;
const DBMETA_CHKSUM = 0x01;
const META_LAST_PGNO = 32;
const HASH_MAX_BUCKET = 72;
const HASH_SPARES = 96;
const SPARES = 32;
// Page header: lsn(8) pgno(4) prev(4) next(4) entries(2) hf_offset(2) level(1) type(1); with page checksums on,
// 2 bytes of padding and a 4-byte checksum follow before the item index.
const PAGE_HEADER = 26;
const PAGE_HEADER_CHKSUM = 32;
const P_NEXT = 16;
const P_ENTRIES = 20;
const P_HF_OFFSET = 22;
const P_TYPE = 25;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
// Item types on hash pages.
const H_KEYDATA = 1;
const H_OFFPAGE = 3;

/**
 * Packages of a Berkeley DB `Packages` file. Throws CORRUPT when the bytes are not an unencrypted BDB hash
 * database; pages, items and overflow chains that cannot be read are skipped.
 */
export function parseRpmBdb(content: Buffer, ctx: ParseContext, options: RpmParseOptions = {}): Package[] {
  return rpmPackages(readBdbBlobs(content, ctx.location.path), ctx, options);
}

/** Every (key, value) pair of the hash database in `content`, values being rpm header blobs. */
export function readBdbBlobs(content: Buffer, path: string): RpmBlob[] {
  const db = openBdb(content, path);
  const out: RpmBlob[] = [];
  const seen = new Set<number>();
  // Buckets first: they hold exactly the live pairs. Pages reached through no bucket (free pages) are not read.
  const maxBucket = Math.min(db.u32(HASH_MAX_BUCKET), db.pages);
  for (let bucket = 0; bucket <= maxBucket; bucket++) {
    const spare = db.u32(HASH_SPARES + 4 * Math.min(SPARES - 1, ceilLog2(bucket + 1)));
    for (let pgno = bucket + spare; pgno > 0 && pgno < db.pages && !seen.has(pgno); pgno = db.pageU32(pgno, P_NEXT)) {
      seen.add(pgno);
      readHashPage(db, pgno, out);
    }
  }
  // A damaged bucket table should not hide every package: fall back to every hash page in file order.
  if (out.length === 0) for (let pgno = 1; pgno < db.pages; pgno++) readHashPage(db, pgno, out);
  return out;
}

// BDB's __db_log2: the smallest i with 2^i >= n (n >= 1), which picks a bucket's spares entry.
function ceilLog2(n: number): number {
  return n <= 1 ? 0 : 32 - Math.clz32(n - 1);
}

interface Bdb {
  buf: Buffer;
  pageSize: number;
  pages: number;
  /** Where a page's item index (hash pages) or data (overflow pages) starts. */
  overhead: number;
  littleEndian: boolean;
  u32(at: number): number;
  u16(at: number): number;
  pageU32(pgno: number, at: number): number;
}

function openBdb(buf: Buffer, path: string): Bdb {
  if (buf.length < 512) throw new SextantError('CORRUPT', `${path}: too short for a Berkeley DB database`);
  // The creator's byte order: the magic reads right in exactly one of them.
  const littleEndian = buf.readUInt32LE(META_MAGIC) === HASH_MAGIC;
  if (!littleEndian && buf.readUInt32BE(META_MAGIC) !== HASH_MAGIC) {
    throw new SextantError('CORRUPT', `${path}: not a Berkeley DB hash database`);
  }
  const u32 = (at: number): number => (at + 4 > buf.length ? 0 : littleEndian ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const u16 = (at: number): number => (at + 2 > buf.length ? 0 : littleEndian ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  const pageSize = u32(META_PAGESIZE);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0 || buf[META_TYPE] !== P_HASHMETA) {
    throw new SextantError('CORRUPT', `${path}: bad Berkeley DB hash metadata page`);
  }
  if (buf[META_ENCRYPT] !== 0) throw new SextantError('CORRUPT', `${path}: encrypted Berkeley DB databases are not read`);
  // last_pgno may be stale or hostile; the file's length is what bounds every page number.
  const pages = Math.min(Math.floor(buf.length / pageSize), u32(META_LAST_PGNO) + 1 || Infinity);
  const overhead = (buf[META_FLAGS] ?? 0) & DBMETA_CHKSUM ? PAGE_HEADER_CHKSUM : PAGE_HEADER;
  return { buf, pageSize, pages, overhead, littleEndian, u32, u16, pageU32: (pgno, at) => u32(pgno * pageSize + at) };
}

// Collects the data items of one hash page; items come in key/data pairs.
function readHashPage(db: Bdb, pgno: number, out: RpmBlob[]): void {
  const base = pgno * db.pageSize;
  const type = db.buf[base + P_TYPE];
  if (type !== P_HASH && type !== P_HASH_UNSORTED) return;
  const entries = Math.min(db.u16(base + P_ENTRIES), Math.floor((db.pageSize - db.overhead) / 2));
  for (let i = 0; i + 1 < entries; i += 2) {
    const key = item(db, base, i);
    const value = item(db, base, i + 1);
    if (!key || !value) continue;
    const blob = itemBytes(db, value);
    if (blob) out.push({ key: keyNumber(db, itemBytes(db, key)), blob });
  }
}

// Item `i`'s bytes within its page: items are packed from the page end down, so each ends where the previous begins.
function item(db: Bdb, base: number, i: number): Buffer | null {
  const offset = db.u16(base + db.overhead + 2 * i);
  const end = i === 0 ? db.pageSize : db.u16(base + db.overhead + 2 * (i - 1));
  if (offset < db.overhead || offset >= end || end > db.pageSize) return null;
  return db.buf.subarray(base + offset, base + end);
}

// An item's value: inline (H_KEYDATA) or a chain of overflow pages (H_OFFPAGE: pgno, total length).
function itemBytes(db: Bdb, it: Buffer): Buffer | null {
  if (it[0] === H_KEYDATA) return it.subarray(1);
  if (it[0] !== H_OFFPAGE || it.length < 12) return null;
  const first = db.littleEndian ? it.readUInt32LE(4) : it.readUInt32BE(4);
  const total = db.littleEndian ? it.readUInt32LE(8) : it.readUInt32BE(8);
  if (total > db.buf.length) return null;
  const parts: Buffer[] = [];
  let have = 0;
  const seen = new Set<number>();
  for (let pgno = first; have < total; pgno = db.pageU32(pgno, P_NEXT)) {
    if (pgno === 0 || pgno >= db.pages || seen.has(pgno)) return null;
    seen.add(pgno);
    const base = pgno * db.pageSize;
    if (db.buf[base + P_TYPE] !== P_OVERFLOW) return null;
    // On overflow pages hf_offset is the number of bytes this page carries.
    const len = Math.min(db.u16(base + P_HF_OFFSET), db.pageSize - db.overhead, total - have);
    if (len === 0) return null;
    parts.push(db.buf.subarray(base + db.overhead, base + db.overhead + len));
    have += len;
  }
  return Buffer.concat(parts, total);
}

// rpm's keys are header instance numbers, 4 bytes in the creator's byte order.
function keyNumber(db: Bdb, key: Buffer | null): number {
  if (!key || key.length !== 4) return Number.MAX_SAFE_INTEGER;
  return db.littleEndian ? key.readUInt32LE(0) : key.readUInt32BE(0);
}
