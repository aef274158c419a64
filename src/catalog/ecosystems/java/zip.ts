// In-memory zip reading for Java archives (outer and nested), with fflate, under size and count limits.
import { unzipSync } from 'fflate';
import type { UnzipFileInfo } from 'fflate';
import { SextantError } from '../../../core/errors.ts';

/** Limits shared by one outer archive and everything nested in it. */
export interface ZipBudget {
  /** Uncompressed bytes still allowed for the whole tree of one outer archive. */
  remainingBytes: number;
}

/** Most uncompressed-to-compressed ratio an entry may declare once above RATIO_GRACE_BYTES (deflate tops out near 1032). */
const MAX_RATIO = 100;
const RATIO_GRACE_BYTES = 1 << 20;
/** Most entries in one archive (fat jars hold tens of thousands of classes). */
const MAX_ENTRIES = 500_000;
/** A central directory record takes at least 46 bytes, so a count above size/46 is a lie. */
const MIN_CENTRAL_RECORD = 46;

/** One entry the caller wanted but did not get, as a one-line `CODE: reason`. */
export interface ZipSkip {
  name: string;
  reason: string;
}

/** The entries read, and those refused or unreadable. */
export interface ZipContents {
  files: Map<string, Uint8Array>;
  skipped: ZipSkip[];
}

/**
 * Reads the entries of `zip` that `want` accepts (by name), charging their declared uncompressed sizes to
 * `budget`. An entry is refused (LIMIT_EXCEEDED, listed in `skipped`) when it would overrun the budget or its
 * declared ratio is that of a decompression bomb. fflate inflates into a buffer of the declared size and never
 * past it, so a lying header cannot make an entry bigger than what was charged. Throws CORRUPT when the archive
 * has no readable central directory, LIMIT_EXCEEDED when it claims absurdly many entries.
 */
export function readZip(zip: Uint8Array, want: (name: string) => boolean, budget: ZipBudget, label: string): ZipContents {
  const chosen: UnzipFileInfo[] = [];
  const skipped: ZipSkip[] = [];
  const maxEntries = Math.min(MAX_ENTRIES, Math.floor(zip.length / MIN_CENTRAL_RECORD) + 1);
  let seen = 0;
  try {
    // First pass lists only: the filter sees every central directory record and extracts nothing.
    unzipSync(zip, {
      filter(info) {
        if (++seen > maxEntries) throw new SextantError('LIMIT_EXCEEDED', `${label}: more than ${maxEntries} zip entries`);
        if (!info.name.endsWith('/') && want(info.name)) chosen.push(info);
        return false;
      },
    });
  } catch (err) {
    if (err instanceof SextantError) throw err;
    throw new SextantError('CORRUPT', `${label}: not a readable zip (${(err as Error).message})`, { cause: err });
  }
  const accepted = new Set<string>();
  for (const info of chosen) {
    if (info.compression !== 0 && info.compression !== 8) {
      skipped.push({ name: info.name, reason: `UNSUPPORTED: compression method ${info.compression}` });
    } else if (info.originalSize > RATIO_GRACE_BYTES && info.originalSize > MAX_RATIO * Math.max(info.size, 1)) {
      skipped.push({ name: info.name, reason: `LIMIT_EXCEEDED: declares ${info.originalSize} bytes from ${info.size} (decompression bomb)` });
    } else if (info.compression === 0 && info.size !== info.originalSize) {
      skipped.push({ name: info.name, reason: 'CORRUPT: stored entry with two sizes' });
    } else if (info.originalSize > budget.remainingBytes) {
      skipped.push({ name: info.name, reason: `LIMIT_EXCEEDED: ${info.originalSize} bytes exceed what is left of the archive budget` });
    } else if (!accepted.has(info.name)) {
      budget.remainingBytes -= info.originalSize;
      accepted.add(info.name);
    }
  }
  let files: Map<string, Uint8Array>;
  try {
    files = new Map(Object.entries(unzipSync(zip, { filter: (info) => accepted.has(info.name) })));
  } catch {
    // One bad entry aborts fflate's whole pass: read the rest one at a time to keep what can be read.
    files = new Map();
    for (const name of accepted) {
      try {
        const one = unzipSync(zip, { filter: (info) => info.name === name })[name];
        if (one) files.set(name, one);
      } catch (err) {
        skipped.push({ name, reason: `CORRUPT: ${(err as Error).message}` });
      }
    }
  }
  return { files, skipped };
}
