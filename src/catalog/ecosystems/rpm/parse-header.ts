// RPM header blobs as stored in every rpmdb backend: index entries (tag, type, offset, count) over a data store, read with every offset bounded.

/** Header tags Sextant reads (rpmtag.h numbers). */
export const RpmTag = {
  SIG_PGP: 259,
  SIG_MD5: 261,
  SIG_GPG: 262,
  DSA_HEADER: 267,
  RSA_HEADER: 268,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  INSTALL_TIME: 1008,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  PACKAGER: 1015,
  URL: 1020,
  ARCH: 1022,
  OLD_FILENAMES: 1027,
  SOURCE_RPM: 1044,
  PROVIDE_NAME: 1047,
  REQUIRE_NAME: 1049,
  DIR_INDEXES: 1116,
  BASENAMES: 1117,
  DIR_NAMES: 1118,
  LONG_SIZE: 5009,
  MODULARITY_LABEL: 5096,
} as const;

// Entry data types (rpm's rpmTagType).
const T_CHAR = 1;
const T_INT8 = 2;
const T_INT16 = 3;
const T_INT32 = 4;
const T_INT64 = 5;
const T_STRING = 6;
const T_BIN = 7;
const T_STRING_ARRAY = 8;
const T_I18NSTRING = 9;

// rpm's own sanity limits (header_internal.h): no real header comes near them.
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_BYTES = 256 * 1024 * 1024;

/** An OpenPGP signature's identity, as recorded in the header's signature tags. */
export interface RpmSignature {
  /** `RSA/SHA256`, as rpm prints it. */
  algorithm: string;
  /** Signature creation time, seconds since the epoch (UTC). */
  created: number;
  /** Issuer key id, 16 lower-case hex digits. */
  keyId: string;
}

/** The fields of one installed package's header that Sextant keeps. */
export interface RpmHeader {
  name: string;
  version: string;
  release: string;
  epoch: number | null;
  arch: string | null;
  summary: string | null;
  license: string | null;
  vendor: string | null;
  packager: string | null;
  url: string | null;
  sourceRpm: string | null;
  /** Installed size in bytes (LONGSIZE when present, else SIZE). */
  size: number | null;
  installTime: number | null;
  /** Header+payload MD5 (hex), rpm's package identity. */
  sigMd5: string | null;
  signature: RpmSignature | null;
  modularityLabel: string | null;
  provides: string[];
  requires: string[];
  /** Number of files the package owns. */
  fileCount: number;
  /** Owned file paths, only when asked for (they dominate a header's size). */
  files: string[] | null;
}

/** Options for parseRpmHeader. */
export interface RpmHeaderOptions {
  /** Also list every owned file path (default: count them only). */
  files?: boolean;
}

interface Entry {
  type: number;
  offset: number;
  count: number;
}

/**
 * Parse one header blob (`il`, `dl`, `il` index entries, `dl` data bytes; all big-endian, no lead magic, as the
 * databases store it). Null when the blob is not a readable header or has no NAME/VERSION. Never throws.
 */
export function parseRpmHeader(blob: Buffer, options: RpmHeaderOptions = {}): RpmHeader | null {
  if (blob.length < 8) return null;
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il === 0 || il > MAX_INDEX_ENTRIES || dl > MAX_DATA_BYTES) return null;
  const dataStart = 8 + il * 16;
  const dataEnd = dataStart + dl;
  if (dataEnd > blob.length) return null;
  const data = blob.subarray(dataStart, dataEnd);

  // Later entries win: rpm appends "dribble" entries after the immutable region and they replace region copies.
  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readUInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    if (offset >= dl || count === 0) continue;
    entries.set(tag, { type, offset, count });
  }
  const r = new Reader(data, entries);

  const name = r.string(RpmTag.NAME);
  const version = r.string(RpmTag.VERSION);
  if (!name || version === null) return null;
  const basenames = r.strings(RpmTag.BASENAMES);
  const oldNames = basenames.length === 0 ? r.strings(RpmTag.OLD_FILENAMES) : [];
  const longSize = r.int(RpmTag.LONG_SIZE);
  return {
    name,
    version,
    release: r.string(RpmTag.RELEASE) ?? '',
    epoch: r.int(RpmTag.EPOCH),
    arch: r.string(RpmTag.ARCH),
    summary: r.string(RpmTag.SUMMARY),
    license: r.string(RpmTag.LICENSE),
    vendor: r.string(RpmTag.VENDOR),
    packager: r.string(RpmTag.PACKAGER),
    url: r.string(RpmTag.URL),
    sourceRpm: r.string(RpmTag.SOURCE_RPM),
    size: longSize ?? r.int(RpmTag.SIZE),
    installTime: r.int(RpmTag.INSTALL_TIME),
    sigMd5: r.hex(RpmTag.SIG_MD5),
    signature: firstSignature(r),
    modularityLabel: r.string(RpmTag.MODULARITY_LABEL),
    provides: r.strings(RpmTag.PROVIDE_NAME),
    requires: r.strings(RpmTag.REQUIRE_NAME),
    fileCount: basenames.length || oldNames.length,
    files: options.files ? (basenames.length ? joinFiles(r, basenames) : oldNames) : null,
  };
}

// Owned paths from the compressed form: each basename with the directory its DIRINDEXES entry names.
function joinFiles(r: Reader, basenames: string[]): string[] {
  const dirs = r.strings(RpmTag.DIR_NAMES);
  const indexes = r.ints(RpmTag.DIR_INDEXES);
  const out: string[] = [];
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirs[indexes[i] ?? -1];
    // A basename without a valid directory is unreadable, not a file at the root.
    if (dir !== undefined) out.push(dir + basenames[i]);
  }
  return out;
}

// RSA header signatures are the ones rpm checks on install; the others cover older or DSA-signed packages.
function firstSignature(r: Reader): RpmSignature | null {
  for (const tag of [RpmTag.RSA_HEADER, RpmTag.DSA_HEADER, RpmTag.SIG_PGP, RpmTag.SIG_GPG]) {
    const bytes = r.bytes(tag);
    const sig = bytes ? parsePgpSignature(bytes) : null;
    if (sig) return sig;
  }
  return null;
}

/** Typed, bounded access to a header's data store. */
class Reader {
  private readonly data: Buffer;
  private readonly entries: Map<number, Entry>;

  constructor(data: Buffer, entries: Map<number, Entry>) {
    this.data = data;
    this.entries = entries;
  }

  string(tag: number): string | null {
    const e = this.entries.get(tag);
    if (!e || (e.type !== T_STRING && e.type !== T_I18NSTRING && e.type !== T_STRING_ARRAY)) return null;
    // An I18N string holds one string per locale; the first is the untranslated one.
    const end = this.data.indexOf(0, e.offset);
    return end < 0 ? null : this.data.toString('utf8', e.offset, end);
  }

  strings(tag: number): string[] {
    const e = this.entries.get(tag);
    if (!e || (e.type !== T_STRING_ARRAY && e.type !== T_I18NSTRING && e.type !== T_STRING)) return [];
    const count = e.type === T_STRING ? 1 : e.count;
    // Each string takes at least its NUL byte, so a count beyond the remaining bytes is a lie.
    if (count > this.data.length - e.offset) return [];
    const out: string[] = [];
    let at = e.offset;
    for (let i = 0; i < count; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) break;
      out.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  }

  /** The first integer of an integer entry (64-bit ones as a safe number, else null). */
  int(tag: number): number | null {
    return this.ints(tag, 1)[0] ?? null;
  }

  ints(tag: number, limit = Infinity): number[] {
    const e = this.entries.get(tag);
    if (!e) return [];
    const width = e.type === T_INT32 ? 4 : e.type === T_INT16 ? 2 : e.type === T_INT64 ? 8 : e.type === T_INT8 || e.type === T_CHAR ? 1 : 0;
    if (width === 0) return [];
    const count = Math.min(e.count, limit, Math.floor((this.data.length - e.offset) / width));
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = e.offset + i * width;
      if (width === 8) {
        const v = this.data.readBigUInt64BE(at);
        out.push(v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : Number.MAX_SAFE_INTEGER);
      } else {
        out.push(width === 4 ? this.data.readUInt32BE(at) : width === 2 ? this.data.readUInt16BE(at) : this.data.readUInt8(at));
      }
    }
    return out;
  }

  bytes(tag: number): Buffer | null {
    const e = this.entries.get(tag);
    if (!e || e.type !== T_BIN || e.offset + e.count > this.data.length) return null;
    return this.data.subarray(e.offset, e.offset + e.count);
  }

  hex(tag: number): string | null {
    return this.bytes(tag)?.toString('hex') ?? null;
  }
}

const PUBKEY_ALGORITHMS: Record<number, string> = { 1: 'RSA', 2: 'RSA', 3: 'RSA', 17: 'DSA', 19: 'ECDSA', 22: 'EdDSA' };
const HASH_ALGORITHMS: Record<number, string> = { 1: 'MD5', 2: 'SHA1', 3: 'RIPEMD160', 8: 'SHA256', 9: 'SHA384', 10: 'SHA512', 11: 'SHA224' };

/** The algorithm, creation time and issuer of an OpenPGP signature packet (RFC 4880, v3 or v4); null when unreadable. */
export function parsePgpSignature(bytes: Buffer): RpmSignature | null {
  if (bytes.length < 2) return null;
  const first = bytes[0] as number;
  if ((first & 0x80) === 0) return null;
  let tag: number;
  let at: number;
  let length: number;
  if (first & 0x40) {
    tag = first & 0x3f;
    const o1 = bytes[1] as number;
    if (o1 < 192) [length, at] = [o1, 2];
    else if (o1 < 224 && bytes.length >= 3) [length, at] = [((o1 - 192) << 8) + (bytes[2] as number) + 192, 3];
    else if (o1 === 255 && bytes.length >= 6) [length, at] = [bytes.readUInt32BE(2), 6];
    else return null;
  } else {
    tag = (first >> 2) & 0x0f;
    const lt = first & 3;
    const width = lt === 0 ? 1 : lt === 1 ? 2 : lt === 2 ? 4 : 0;
    if (width === 0 || bytes.length < 1 + width) return null;
    length = bytes.readUIntBE(1, width);
    at = 1 + width;
  }
  if (tag !== 2) return null;
  const body = bytes.subarray(at, Math.min(bytes.length, at + length));
  const version = body[0];
  if ((version === 3 || version === 2) && body.length >= 19) {
    return signature(body[15] as number, body[16] as number, body.readUInt32BE(3), body.toString('hex', 7, 15));
  }
  if (version !== 4 || body.length < 6) return null;
  const pubkey = body[2] as number;
  const hash = body[3] as number;
  let created: number | null = null;
  let keyId: string | null = null;
  // Hashed then unhashed subpackets; the issuer usually sits in the unhashed area.
  let p = 4;
  for (let area = 0; area < 2 && p + 2 <= body.length; area++) {
    const end = Math.min(body.length, p + 2 + body.readUInt16BE(p));
    p += 2;
    while (p < end) {
      const o1 = body[p] as number;
      let len: number;
      if (o1 < 192) [len, p] = [o1, p + 1];
      else if (o1 < 255 && p + 1 < end) [len, p] = [((o1 - 192) << 8) + (body[p + 1] as number) + 192, p + 2];
      else if (o1 === 255 && p + 5 <= end) [len, p] = [body.readUInt32BE(p + 1), p + 5];
      else break;
      if (len === 0 || p + len > end) break;
      const type = (body[p] as number) & 0x7f;
      const value = body.subarray(p + 1, p + len);
      if (type === 2 && value.length === 4) created = value.readUInt32BE(0);
      else if (type === 16 && value.length === 8) keyId = value.toString('hex');
      else if (type === 33 && value.length === 21 && keyId === null) keyId = value.toString('hex', 13);
      p += len;
    }
    p = end;
  }
  return created === null || keyId === null ? null : signature(pubkey, hash, created, keyId);
}

function signature(pubkey: number, hash: number, created: number, keyId: string): RpmSignature {
  return {
    algorithm: `${PUBKEY_ALGORITHMS[pubkey] ?? `algo${pubkey}`}/${HASH_ALGORITHMS[hash] ?? `hash${hash}`}`,
    created,
    keyId,
  };
}
