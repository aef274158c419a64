// Random-access index of an uncompressed tar file: entry names to byte ranges, read header by header.
//
// tar-stream reads a tar front to back, but an image archive must be read out of order (manifest.json sits
// at the end, layers are read in parallel), so this reads only the 512-byte headers, seeking over contents.
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { SextantError } from '../../../core/errors.ts';

/** Where one regular file's content lies in the tar. */
export interface TarEntry {
  name: string;
  offset: number;
  size: number;
}

const BLOCK = 512;
/** Most entries an image archive may hold before it is judged hostile. */
const MAX_ENTRIES = 1_000_000;
/** Largest pax or GNU long-name record Sextant reads. */
const MAX_META_BYTES = 1 << 20;

/** Index the regular files of the tar open in `file` (of `fileSize` bytes); `label` names it in errors. */
export async function indexTar(file: FileHandle, fileSize: number, label: string): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  const links = new Map<string, { target: string; symbolic: boolean }>();
  let longName: string | null = null;
  let longLink: string | null = null;
  let paxPath: string | null = null;
  let paxLink: string | null = null;
  let paxSize: number | null = null;
  let count = 0;
  while (true) {
    const { bytesRead } = await file.read(header, 0, BLOCK, offset);
    if (bytesRead === 0 && count > 0) break; // no end-of-archive blocks, as some writers do
    if (bytesRead < BLOCK) throw new SextantError('CORRUPT', `${label}: truncated tar archive (header at byte ${offset})`);
    if (header.every((b) => b === 0)) break;
    if (++count > MAX_ENTRIES) throw new SextantError('LIMIT_EXCEEDED', `${label}: more than ${MAX_ENTRIES} entries`);
    if (!checksumOk(header)) {
      throw new SextantError(
        count === 1 ? 'NOT_AN_IMAGE' : 'CORRUPT',
        count === 1 ? `${label} is not a tar archive` : `${label}: corrupt tar header at byte ${offset}`,
      );
    }
    const type = String.fromCharCode(header[156] as number);
    const size = paxSize ?? parseNumber(header.subarray(124, 136), label, offset);
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > fileSize) throw new SextantError('CORRUPT', `${label}: truncated tar archive (entry at byte ${offset} runs past the end)`);
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'L' || type === 'K' || type === 'g') {
      if (size > MAX_META_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${label}: oversized tar metadata record at byte ${offset}`);
      const body = Buffer.alloc(size);
      await file.read(body, 0, size, dataOffset);
      if (type === 'L') longName = cString(body);
      if (type === 'K') longLink = cString(body);
      if (type === 'x') ({ path: paxPath, linkpath: paxLink, size: paxSize } = parsePax(body, label, offset));
      offset = next;
      continue;
    }
    const name = normalize(paxPath ?? longName ?? ustarName(header));
    if (type === '0' || type === '\0' || type === '7') entries.set(name, { name, offset: dataOffset, size });
    if (type === '1' || type === '2') links.set(name, { target: normalize(paxLink ?? longLink ?? cString(header.subarray(157, 257))), symbolic: type === '2' });
    longName = longLink = paxPath = paxLink = paxSize = null;
    offset = next;
  }
  resolveLinks(entries, links);
  return entries;
}

/**
 * Make link members readable under their own names. Legacy `docker save` archives (and skopeo's) point
 * `<id>/layer.tar` at a shared file with a symlink; targets are member names, never host paths.
 */
function resolveLinks(entries: Map<string, TarEntry>, links: Map<string, { target: string; symbolic: boolean }>): void {
  for (const [name, link] of links) {
    let target = link.symbolic ? posix.join(posix.dirname(name), link.target) : link.target;
    for (let hops = 0; hops < 16 && !entries.has(target); hops++) {
      const next = links.get(target);
      if (!next) break;
      target = next.symbolic ? posix.join(posix.dirname(target), next.target) : next.target;
    }
    const entry = entries.get(target);
    if (entry) entries.set(name, { ...entry, name });
  }
}

function cString(b: Buffer): string {
  return b.toString('utf8').replace(/\0.*$/s, '');
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
  const stored = parseInt(h.subarray(148, 156).toString('ascii').replace(/[\0 ]+/g, ' ').trim(), 8);
  return stored === sum;
}

function parseNumber(field: Buffer, label: string, offset: number): number {
  if (((field[0] as number) & 0x80) !== 0) {
    // GNU base-256: big-endian binary with the top bit set; anything past 2^53 is absurd here anyway.
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] as number);
    n += ((field[0] as number) & 0x7f) * 256 ** (field.length - 1);
    if (!Number.isSafeInteger(n)) throw new SextantError('LIMIT_EXCEEDED', `${label}: absurd entry size at byte ${offset}`);
    return n;
  }
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new SextantError('CORRUPT', `${label}: corrupt tar header at byte ${offset}`);
  return parseInt(text, 8);
}

function ustarName(h: Buffer): string {
  const name = cString(h.subarray(0, 100));
  const magic = h.subarray(257, 263).toString('ascii');
  if (magic !== 'ustar\0') return name; // GNU and v7 headers have no prefix field
  const prefix = cString(h.subarray(345, 500));
  return prefix ? `${prefix}/${name}` : name;
}

function parsePax(body: Buffer, label: string, offset: number): { path: string | null; linkpath: string | null; size: number | null } {
  let path: string | null = null;
  let linkpath: string | null = null;
  let size: number | null = null;
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(body.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isSafeInteger(len) || len <= 0 || pos + len > body.length) {
      throw new SextantError('CORRUPT', `${label}: corrupt pax header at byte ${offset}`);
    }
    const record = body.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') path = value;
    if (key === 'linkpath') linkpath = value;
    if (key === 'size') {
      size = Number(value);
      if (!Number.isSafeInteger(size) || size < 0) throw new SextantError('LIMIT_EXCEEDED', `${label}: absurd entry size at byte ${offset}`);
    }
    pos += len;
  }
  return { path, linkpath, size };
}

/** Archive member names as written (`./blobs/x`, `/manifest.json`) normalised to `blobs/x`, `manifest.json`. */
export function normalize(name: string): string {
  return name.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
}
