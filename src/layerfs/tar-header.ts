// Decoding of tar headers (ustar, GNU and pax), shared by the layer parser and the archive indexer.

/** The 512-byte unit of the tar format. */
export const TAR_BLOCK = 512;

/** One decoded header block, before pax and GNU long-name records are applied. */
export interface TarHeader {
  name: string;
  /** The typeflag character: '0' file, '1' hard link, '2' symlink, '5' directory, 'x' pax, 'L' GNU long name… */
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  linkname: string;
}

/** Overrides a pax extended header (or GNU long-name record) applies to the next entry. */
export interface TarOverrides {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
}

/** Why a header could not be decoded. */
export type HeaderProblem = 'checksum' | 'number' | 'size';

/** True when a block is all zeros (the end-of-archive marker). */
export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < TAR_BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Decode a header block, or say what is wrong with it. */
export function decodeHeader(block: Buffer): TarHeader | HeaderProblem {
  if (!checksumOk(block)) return 'checksum';
  const size = readNumber(block, 124, 12);
  const mode = readNumber(block, 100, 8);
  const uid = readNumber(block, 108, 8);
  const gid = readNumber(block, 116, 8);
  if (size === null || mode === null || uid === null || gid === null) return 'number';
  if (!Number.isSafeInteger(size)) return 'size';
  return {
    name: ustarName(block),
    typeflag: block[156] === 0 ? '0' : String.fromCharCode(block[156] as number),
    size,
    mode,
    uid,
    gid,
    linkname: cString(block, 157, 100),
  };
}

/** Parse the records of a pax extended header body (`<len> <key>=<value>\n`…); null when malformed. */
export function parsePax(body: Buffer): TarOverrides | null {
  const out: TarOverrides = {};
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break; // NUL padding some writers leave at the end
    const space = body.indexOf(0x20, pos);
    if (space < 0) return null;
    const len = Number(body.toString('latin1', pos, space));
    if (!Number.isSafeInteger(len) || len <= space - pos + 1 || pos + len > body.length) return null;
    const record = body.toString('utf8', space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) {
      const key = record.slice(0, eq);
      const value = record.slice(eq + 1);
      if (key === 'path') out.path = value;
      else if (key === 'linkpath') out.linkpath = value;
      else if (key === 'size' || key === 'uid' || key === 'gid') {
        const n = Number(value);
        if (!Number.isSafeInteger(n) || n < 0) return null;
        out[key] = n;
      }
    }
    pos += len;
  }
  return out;
}

/** A record body (GNU long name or link) up to its first NUL. */
export function nulTerminated(b: Buffer): string {
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end < 0 ? b.length : end);
}

/** A NUL-terminated string field. */
export function cString(block: Buffer, start: number, length: number): string {
  let end = start;
  const limit = start + length;
  while (end < limit && block[end] !== 0) end++;
  return block.toString('utf8', start, end);
}

function checksumOk(h: Buffer): boolean {
  let sum = 8 * 32; // the checksum field itself counts as spaces
  for (let i = 0; i < 148; i++) sum += h[i] as number;
  for (let i = 156; i < TAR_BLOCK; i++) sum += h[i] as number;
  return readNumber(h, 148, 8) === sum;
}

/** An octal field, or GNU base-256 when the top bit is set; null when it is neither. */
function readNumber(h: Buffer, start: number, length: number): number | null {
  const first = h[start] as number;
  if ((first & 0x80) !== 0) {
    let n = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (h[i] as number);
    return n;
  }
  let n = 0;
  let digits = 0;
  for (let i = start; i < start + length; i++) {
    const c = h[i] as number;
    if (c === 0) break;
    if (c === 0x20) {
      if (digits > 0) break;
      continue; // leading spaces
    }
    if (c < 0x30 || c > 0x37) return null;
    n = n * 8 + (c - 0x30);
    digits++;
  }
  return n;
}

/** ustar splits long names into prefix and name; GNU and v7 headers have no prefix field. */
function ustarName(h: Buffer): string {
  const name = cString(h, 0, 100);
  if (h.toString('latin1', 257, 263) !== 'ustar\0') return name;
  const prefix = cString(h, 345, 155);
  return prefix ? `${prefix}/${name}` : name;
}
