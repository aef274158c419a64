// Random-access index of an uncompressed tar file: entry names to byte ranges, read header by header.
//
// An image archive must be read out of order (manifest.json sits at the end, layers are read in parallel), so
// this reads only the 512-byte headers, seeking over contents. Header decoding is shared with the layer parser.
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { SextantError } from '../../../core/errors.ts';
import { decodeHeader, isZeroBlock, nulTerminated, parsePax, TAR_BLOCK, type TarOverrides } from '../../../layerfs/tar-header.ts';

/** Where one regular file's content lies in the tar. */
export interface TarEntry {
  name: string;
  offset: number;
  size: number;
}

/** Most entries an image archive may hold before it is judged hostile. */
const MAX_ENTRIES = 1_000_000;
/** Largest pax or GNU long-name record Sextant reads. */
const MAX_META_BYTES = 1 << 20;

/** Index the regular files of the tar open in `file` (of `fileSize` bytes); `label` names it in errors. */
export async function indexTar(file: FileHandle, fileSize: number, label: string): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const links = new Map<string, { target: string; symbolic: boolean }>();
  const block = Buffer.alloc(TAR_BLOCK);
  let offset = 0;
  let overrides: TarOverrides = {};
  let longName: string | null = null;
  let longLink: string | null = null;
  let count = 0;
  while (true) {
    const { bytesRead } = await file.read(block, 0, TAR_BLOCK, offset);
    if (bytesRead === 0 && count > 0) break; // no end-of-archive blocks, as some writers do
    if (bytesRead < TAR_BLOCK) throw new SextantError('CORRUPT', `${label}: truncated tar archive (header at byte ${offset})`);
    if (isZeroBlock(block)) break;
    if (++count > MAX_ENTRIES) throw new SextantError('LIMIT_EXCEEDED', `${label}: more than ${MAX_ENTRIES} entries`);
    const h = decodeHeader(block);
    if (typeof h === 'string') {
      if (count === 1) throw new SextantError('NOT_AN_IMAGE', `${label} is not a tar archive`);
      if (h === 'size') throw new SextantError('LIMIT_EXCEEDED', `${label}: absurd entry size at byte ${offset}`);
      throw new SextantError('CORRUPT', `${label}: corrupt tar header at byte ${offset}`);
    }
    const size = overrides.size ?? h.size;
    const dataOffset = offset + TAR_BLOCK;
    if (dataOffset + size > fileSize) throw new SextantError('CORRUPT', `${label}: truncated tar archive (entry at byte ${offset} runs past the end)`);
    const next = dataOffset + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
    const type = h.typeflag;
    if (type === 'x' || type === 'L' || type === 'K' || type === 'g') {
      if (size > MAX_META_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${label}: oversized tar metadata record at byte ${offset}`);
      const body = Buffer.alloc(size);
      await file.read(body, 0, size, dataOffset);
      if (type === 'L') longName = nulTerminated(body);
      if (type === 'K') longLink = nulTerminated(body);
      if (type === 'x') {
        const pax = parsePax(body);
        if (pax === null) throw new SextantError('CORRUPT', `${label}: corrupt pax header at byte ${offset}`);
        overrides = pax;
      }
      offset = next;
      continue;
    }
    const name = normalize(overrides.path ?? longName ?? h.name);
    if (type === '0' || type === '7') entries.set(name, { name, offset: dataOffset, size });
    if (type === '1' || type === '2') links.set(name, { target: normalize(overrides.linkpath ?? longLink ?? h.linkname), symbolic: type === '2' });
    overrides = {};
    longName = longLink = null;
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

/** Archive member names as written (`./blobs/x`, `/manifest.json`) normalised to `blobs/x`, `manifest.json`. */
export function normalize(name: string): string {
  return name.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
}
