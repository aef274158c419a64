// FileTree: the squashed filesystem as a tree of compact nodes, one per path, plus captured contents by path.
import { splitPath } from './paths.ts';
import type { FileRecord } from './types.ts';

/** One path. Records are shared with the LayerContents that wrote them, so a node adds only the tree links. */
interface Node {
  rec: FileRecord;
  /** Children by name; null for non-directories and for directories not yet given a child. */
  kids: Map<string, Node> | null;
  /** Children names sorted, cached for ordered walks; dropped whenever `kids` changes. */
  order: string[] | null;
}

/** Called with every record a tree operation removes (descendants included). */
export type RemoveListener = (rec: FileRecord) => void;

/** Creates the record of a directory that an entry implies but its layer never listed. */
function implicitDir(path: string, layer: number | null): FileRecord {
  return { path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, linkTarget: null, layer };
}

/**
 * A filesystem tree keyed by normalised absolute paths. It stores records by reference (no copies), and the
 * captured content of the record currently at each path. Lookups are literal: no symlink is followed here
 * (paths.ts resolves links on top of `get`).
 */
export class FileTree {
  /** Captured file contents, by path, of the record now at that path. */
  readonly content = new Map<string, Buffer>();
  /** Inspector results, by path, of the record now at that path. */
  readonly inspected = new Map<string, unknown>();
  private readonly root: Node;
  private count = 0;
  /** The directory node of the last `put` (attached, unless a removal since cleared it). */
  private lastDir: Node | null = null;
  private lastDirPath = '';

  constructor(rootRecord: FileRecord = implicitDir('/', null)) {
    this.root = { rec: rootRecord, kids: null, order: null };
  }

  /** Number of paths, the root excluded. */
  get size(): number {
    return this.count;
  }

  /** The record at `path` (literal, no link following); `/` is the root directory. */
  get(path: string): FileRecord | undefined {
    return this.node(path)?.rec;
  }

  /**
   * Puts `rec` at `rec.path` (normalised, absolute) and returns the record it replaced, if any. Missing parents are created as
   * implicit directories (reported through `onImplicit`), and a non-directory parent is replaced by one, as an
   * upper layer's directory shadows a lower file. A non-directory replacing a directory removes the descendants;
   * a directory replacing a directory keeps them (overlay merge).
   */
  put(rec: FileRecord, onRemove?: RemoveListener, onImplicit?: (rec: FileRecord, replaced: FileRecord | undefined) => void): FileRecord | undefined {
    const path = rec.path;
    if (path === '/') {
      const prev = this.root.rec;
      this.root.rec = rec;
      return prev;
    }
    const slash = path.lastIndexOf('/');
    const dirPath = slash <= 0 ? '/' : path.slice(0, slash);
    let node: Node;
    let from: number;
    let to: number;
    // Archives list a directory's entries together, so the parent of the last put is very likely this one's.
    const cached = this.lastDir;
    if (cached !== null && this.lastDirPath === dirPath && cached.rec.type === 'dir') {
      node = cached;
      from = slash + 1;
      to = -1;
    } else {
      node = this.root;
      from = 1;
      to = path.indexOf('/', from);
    }
    // Walk the parents by slicing `path` in place: no split array, and a prefix string only for a missing parent.
    while (to >= 0) {
      if (to > from) {
        const name = path.slice(from, to);
        let child = node.kids?.get(name);
        if (child === undefined) {
          const made = implicitDir(path.slice(0, to), rec.layer);
          child = this.attach(node, name, made);
          onImplicit?.(made, undefined);
        } else if (child.rec.type !== 'dir') {
          const made = implicitDir(path.slice(0, to), rec.layer);
          const replaced = child.rec;
          this.forget(made.path);
          child.rec = made;
          onImplicit?.(made, replaced);
        }
        node = child;
      }
      from = to + 1;
      to = path.indexOf('/', from);
    }
    this.lastDir = node;
    this.lastDirPath = dirPath;
    const name = path.slice(from);
    const existing = node.kids?.get(name);
    if (existing === undefined) {
      this.attach(node, name, rec);
      return undefined;
    }
    const prev = existing.rec;
    if (rec.type !== 'dir' && existing.kids !== null) {
      this.dropChildren(existing, onRemove);
    }
    existing.rec = rec;
    this.forget(path);
    return prev;
  }

  /** Drops what was kept for the record at `path` (it is being replaced or removed). */
  private forget(path: string): void {
    this.content.delete(path);
    this.inspected.delete(path);
  }

  /** Removes `path` and everything below it; false when it was absent. The root cannot be removed. */
  remove(path: string, onRemove?: RemoveListener): boolean {
    const parts = splitPath(path);
    if (parts.length === 0) return false;
    const parent = this.node('/' + parts.slice(0, -1).join('/'));
    const name = parts[parts.length - 1] as string;
    const node = parent?.kids?.get(name);
    if (parent === undefined || node === undefined) return false;
    this.lastDir = null;
    parent.kids?.delete(name);
    parent.order = null;
    this.dropChildren(node, onRemove);
    this.count--;
    this.forget(node.rec.path);
    onRemove?.(node.rec);
    return true;
  }

  /** Removes everything below the directory at `path` (an opaque directory); the directory itself stays. */
  clear(path: string, onRemove?: RemoveListener): void {
    const node = this.node(path);
    if (node !== undefined && node.rec.type === 'dir') this.dropChildren(node, onRemove);
  }

  /**
   * Records at and below `path` (the root itself excluded), depth first with children sorted by name, which is
   * the order of `comparePaths`. Nothing when `path` is absent.
   */
  *walk(path = '/'): Generator<FileRecord> {
    const start = this.node(path);
    if (start === undefined) return;
    if (start !== this.root) yield start.rec;
    // An explicit stack rather than recursion: trees can be deep and generators recurse expensively.
    const stack: Node[] = [start];
    const iters: number[] = [0];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Node;
      const order = this.sortedNames(top);
      const at = iters[iters.length - 1] as number;
      if (at >= order.length) {
        stack.pop();
        iters.pop();
        continue;
      }
      iters[iters.length - 1] = at + 1;
      const child = top.kids?.get(order[at] as string);
      if (child === undefined) continue;
      yield child.rec;
      if (child.kids !== null && child.kids.size > 0) {
        stack.push(child);
        iters.push(0);
      }
    }
  }

  private node(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    if (path === '/' || path === '') return node;
    let from = path.charCodeAt(0) === 47 ? 1 : 0;
    // Walk components without allocating a split array: this is the resolvers' hottest call.
    while (node !== undefined && from <= path.length) {
      let to = path.indexOf('/', from);
      if (to < 0) to = path.length;
      if (to > from) {
        const name = path.slice(from, to);
        if (name !== '.') node = node.kids?.get(name);
      }
      from = to + 1;
    }
    return node;
  }

  private attach(parent: Node, name: string, rec: FileRecord): Node {
    const node: Node = { rec, kids: null, order: null };
    if (parent.kids === null) parent.kids = new Map();
    parent.kids.set(name, node);
    parent.order = null;
    this.count++;
    return node;
  }

  private dropChildren(node: Node, onRemove?: RemoveListener): void {
    this.lastDir = null;
    // Iterative: a hostile layer can nest directories far deeper than the call stack.
    const stack: Node[] = [node];
    let first = true;
    while (stack.length > 0) {
      const current = stack.pop() as Node;
      const kids = current.kids;
      current.kids = null;
      current.order = null;
      if (!first) {
        this.count--;
        this.forget(current.rec.path);
        onRemove?.(current.rec);
      }
      first = false;
      if (kids !== null) for (const child of kids.values()) stack.push(child);
    }
  }

  private sortedNames(node: Node): string[] {
    if (node.kids === null) return [];
    // The default sort compares UTF-16 code units, the order comparePaths uses within one component.
    if (node.order === null) node.order = [...node.kids.keys()].sort();
    return node.order;
  }
}
