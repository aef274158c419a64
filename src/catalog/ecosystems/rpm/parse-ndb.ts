// rpm's NDB backend (`Packages.db`): a header, slot pages naming each package's blob, and blobs in 16-byte blocks.
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { rpmPackages } from './packages.ts';
import type { RpmBlob, RpmParseOptions } from './packages.ts';

// Layout facts from rpm's backend/ndb/rpmpkg.c; every integer is little-endian.
const DB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_MAGIC = 0x53626c42; // "BlbS"
const BLOB_END_MAGIC = 0x45626c42; // "BlbE"
const HEADER_VERSION = 4;
const HEADER_SLOT_PAGES = 12;
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
/** The database header occupies the first two slot positions of page 0. */
const FIRST_SLOT = 32;
const BLOCK = 16;
const BLOB_HEAD = 16;
const BLOB_TAIL = 12;

/**
 * Packages of an NDB `Packages.db` file. Throws CORRUPT when the bytes are not an NDB database; slots whose blob
 * is out of bounds or fails its magic checks are skipped.
 */
export function parseRpmNdb(content: Buffer, ctx: ParseContext, options: RpmParseOptions = {}): Package[] {
  return rpmPackages(readNdbBlobs(content, ctx.location.path), ctx, options);
}

/** The header blob of every used slot in `content`, keyed by package index. */
export function readNdbBlobs(buf: Buffer, path: string): RpmBlob[] {
  if (buf.length < FIRST_SLOT || buf.readUInt32LE(0) !== DB_MAGIC) throw new SextantError('CORRUPT', `${path}: not an rpm NDB database`);
  if (buf.readUInt32LE(HEADER_VERSION) !== 0) throw new SextantError('CORRUPT', `${path}: unknown rpm NDB version ${buf.readUInt32LE(HEADER_VERSION)}`);
  const slotEnd = Math.min(buf.length, buf.readUInt32LE(HEADER_SLOT_PAGES) * PAGE_SIZE);
  const out: RpmBlob[] = [];
  const seen = new Set<number>();
  for (let at = FIRST_SLOT; at + SLOT_SIZE <= slotEnd; at += SLOT_SIZE) {
    if (buf.readUInt32LE(at) !== SLOT_MAGIC) continue;
    const pkgIdx = buf.readUInt32LE(at + 4);
    const blkOff = buf.readUInt32LE(at + 8);
    const blkCnt = buf.readUInt32LE(at + 12);
    // Index 0 marks a free slot; a second slot for the same index would be a stale copy.
    if (pkgIdx === 0 || seen.has(pkgIdx)) continue;
    const blob = readBlob(buf, pkgIdx, blkOff, blkCnt);
    if (blob) {
      seen.add(pkgIdx);
      out.push({ key: pkgIdx, blob });
    }
  }
  return out;
}

// A blob: head (magic, pkgidx, blkcnt, generation), the header bytes, padding, and a tail (checksum, length, magic).
function readBlob(buf: Buffer, pkgIdx: number, blkOff: number, blkCnt: number): Buffer | null {
  const start = blkOff * BLOCK;
  const end = (blkOff + blkCnt) * BLOCK;
  if (blkCnt === 0 || start < FIRST_SLOT || end > buf.length || end - start < BLOB_HEAD + BLOB_TAIL) return null;
  if (buf.readUInt32LE(start) !== BLOB_MAGIC || buf.readUInt32LE(start + 4) !== pkgIdx) return null;
  const tail = end - BLOB_TAIL;
  if (buf.readUInt32LE(tail + 8) !== BLOB_END_MAGIC) return null;
  const len = buf.readUInt32LE(tail + 4);
  if (len > tail - start - BLOB_HEAD) return null;
  return buf.subarray(start + BLOB_HEAD, start + BLOB_HEAD + len);
}
