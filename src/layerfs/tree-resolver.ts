// TreeResolver: the FileResolver over a FileTree, shared by the squashed image view and root filesystems.
import type { FileTree } from './file-tree.ts';
import { glob } from './glob.ts';
import { comparePaths, resolvePath } from './paths.ts';
import type { PathLookup } from './paths.ts';
import type { FileRecord, FileResolver } from './types.ts';

/** Reads the content of a resolved regular file; undefined when it is not available. */
export type ContentReader = (rec: FileRecord) => Promise<Buffer | undefined>;

/**
 * A FileResolver over `tree`. Links resolve inside the tree's root only (paths.ts), so no path ever leads
 * outside it; `read` supplies content for regular files once the path is resolved.
 */
export class TreeResolver implements FileResolver {
  private listing: FileRecord[] | null = null;
  private readonly tree: FileTree;
  private readonly read: ContentReader;
  private readonly lookup: PathLookup;

  constructor(tree: FileTree, read: ContentReader) {
    this.tree = tree;
    this.read = read;
    this.lookup = (path) => tree.get(path);
  }

  /** The record at `path`, not following a final symlink; undefined when absent. */
  lstat(path: string): FileRecord | undefined {
    return resolvePath(this.lookup, path, false)?.record;
  }

  /** The record after following symlinks and hard links; for a hard link, the record of its target. */
  stat(path: string): FileRecord | undefined {
    return resolvePath(this.lookup, path, true, true)?.record;
  }

  /** `path` with every symlink resolved inside the root (hard links are files and stay as they are). */
  realpath(path: string): string | undefined {
    const resolved = resolvePath(this.lookup, path, true);
    return resolved?.record === undefined ? undefined : resolved.path;
  }

  /** Content of the regular file at `path`, after following links; undefined when absent or not available. */
  async readFile(path: string): Promise<Buffer | undefined> {
    const rec = this.stat(path);
    if (rec === undefined || rec.type !== 'file') return undefined;
    return this.read(rec);
  }

  /** Records matching `pattern` in path order, walking only the literal prefix of the pattern and no symlinks. */
  glob(pattern: string): FileRecord[] {
    const compiled = glob(pattern);
    const out: FileRecord[] = [];
    const seenBases = new Set<string>();
    for (const { base, literal } of compiled.bases) {
      if (literal) {
        const rec = this.tree.get(base);
        if (rec !== undefined && base !== '/') out.push(rec);
        continue;
      }
      // `/a/**` and `/a/b/*` from one `{…}` pattern would walk `/a/b` twice.
      if (seenBases.has(base)) continue;
      seenBases.add(base);
      // Whole-tree patterns (`**/package.json`) are many per analysis: they share one listing of the tree.
      for (const rec of base === '/' ? this.all() : this.tree.walk(base)) {
        if (compiled.test(rec.path)) out.push(rec);
      }
    }
    if (compiled.bases.length === 1) return out;
    out.sort((a, b) => comparePaths(a.path, b.path));
    return out.filter((rec, i) => i === 0 || out[i - 1] !== rec);
  }

  /** Every record in path order (`comparePaths`), the root excluded. */
  files(): Iterable<FileRecord> {
    return this.all();
  }

  /** The tree listed once: a resolver serves a finished tree, which does not change under it. */
  private all(): readonly FileRecord[] {
    this.listing ??= [...this.tree.walk('/')];
    return this.listing;
  }
}
