// Path logic shared by layer walking and every resolver: normalising, joining, ordering, and chroot-like symlink resolution.
import { SextantError } from '../core/errors.ts';
import type { FileRecord } from './types.ts';

/** Most symlinks (and hard links) followed while resolving one path, as Linux's MAXSYMLINKS. */
export const MAX_SYMLINK_HOPS = 40;

/** The components of a path, without empty and `.` components; `..` is kept for the caller to interpret. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part !== '' && part !== '.') out.push(part);
  }
  return out;
}

/** A `.` or `..` component anywhere in a relative path. */
const DOT_COMPONENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Normalises an archive entry name to an absolute path: leading `./` and `/` are dropped (absolute names are
 * relative to the root, as Docker treats them), `.` and empty components vanish, and `..` pops a component.
 * Returns undefined when `..` would climb above the root, which callers report as UNSAFE_PATH.
 */
export function normalizeEntryName(name: string): string | undefined {
  // Fast path: most names are already clean (no `.`/`..`/empty components), only a leading `./` or a trailing `/`.
  let start = 0;
  let end = name.length;
  while (start < end) {
    if (name.charCodeAt(start) === 47 /* / */) start++;
    else if (name.charCodeAt(start) === 46 /* . */ && name.charCodeAt(start + 1) === 47) start += 2;
    else break;
  }
  while (end > start && name.charCodeAt(end - 1) === 47) end--;
  const trimmed = name.slice(start, end);
  if (trimmed === '' || trimmed === '.') return '/';
  if (!trimmed.includes('//') && !DOT_COMPONENT.test(trimmed)) return '/' + trimmed;
  const stack: string[] = [];
  for (const part of splitPath(trimmed)) {
    if (part === '..') {
      if (stack.length === 0) return undefined;
      stack.pop();
    } else {
      stack.push(part);
    }
  }
  return '/' + stack.join('/');
}

/** Normalises a path lexically inside a root: `..` at the root stays at the root, as in a chroot. Always absolute. */
export function normalizePath(path: string): string {
  const stack: string[] = [];
  for (const part of splitPath(path)) {
    if (part === '..') stack.pop();
    else stack.push(part);
  }
  return '/' + stack.join('/');
}

/** `dir` joined with one more component `name` (no normalisation of `name`). */
export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** The parent directory of a normalised absolute path; `/` for `/`. */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** The last component of a normalised absolute path; empty for `/`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Path order: component by component, so a directory's whole subtree sorts right after it (`/a`, `/a/x`, `/a-b`).
 * This is the order of a depth-first walk with children sorted by name; it differs from plain string order only
 * in treating `/` as lower than every other character.
 */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 47) return -1;
    if (y === 47) return 1;
    return x - y;
  }
  return a.length - b.length;
}

/** Literal (non-following) lookup of a normalised absolute path; must answer `/` with the root directory. */
export type PathLookup = (path: string) => FileRecord | undefined;

/** Where resolution ended: the resolved path and its record (undefined when only the last component is missing). */
export interface Resolved {
  path: string;
  record: FileRecord | undefined;
}

/**
 * Resolves `path` inside the root exactly like a chroot: absolute symlink targets restart at the root, `..` at the
 * root stays there, and symlinks in intermediate directories are followed too. The final component is followed
 * when `followFinal` is set, and hard links too when `followHardlinks` is set (a hard link's target is the record
 * that holds the content). Returns undefined when an intermediate component is missing or not a directory.
 * Throws SYMLINK_LOOP after MAX_SYMLINK_HOPS links.
 */
export function resolvePath(lookup: PathLookup, path: string, followFinal: boolean, followHardlinks = false): Resolved | undefined {
  // `pending` is a stack of components still to walk, last one on top, so a link's target can be pushed in front.
  const pending = splitPath(path).reverse();
  const done: string[] = [];
  let current = '/';
  let hops = 0;
  const hop = (): void => {
    if (++hops > MAX_SYMLINK_HOPS) {
      throw new SextantError('SYMLINK_LOOP', `too many levels of symbolic links resolving ${JSON.stringify(path)}`);
    }
  };
  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === '..') {
      done.pop();
      current = done.length === 0 ? '/' : '/' + done.join('/');
      continue;
    }
    const candidate = joinPath(current, part);
    const record = lookup(candidate);
    const last = pending.length === 0;
    if (record === undefined) {
      return last ? { path: candidate, record: undefined } : undefined;
    }
    if (record.type === 'symlink' && (!last || followFinal)) {
      hop();
      const target = record.linkTarget ?? '';
      if (target === '') return last ? { path: candidate, record: undefined } : undefined;
      if (target.startsWith('/')) {
        done.length = 0;
        current = '/';
      }
      const parts = splitPath(target);
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i] as string);
      continue;
    }
    if (record.type === 'hardlink' && last && followHardlinks) {
      hop();
      // A hard link names its target by a plain path from the root; resolve that path afresh.
      done.length = 0;
      current = '/';
      const parts = splitPath(record.linkTarget ?? '');
      if (parts.length === 0) return { path: candidate, record: undefined };
      for (let i = parts.length - 1; i >= 0; i--) pending.push(parts[i] as string);
      continue;
    }
    if (!last && record.type !== 'dir') return undefined;
    done.push(part);
    current = candidate;
  }
  return { path: current, record: lookup(current) };
}
