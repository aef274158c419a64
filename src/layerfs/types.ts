// The layer filesystem's data types: file records, per-layer results, the two image views, and the resolver.

/** Kinds of filesystem entries a layer can hold. */
export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One path in an image (or a layer), without content. Paths are absolute, normalised, e.g. `/etc/os-release`. */
export interface FileRecord {
  path: string;
  type: FileType;
  /** Size in bytes of a regular file's content; 0 otherwise. */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Symlink target as written in the archive (may be relative or absolute), or a hard link's target path (normalised, absolute). */
  linkTarget: string | null;
  /** Index (0-based) of the layer that last wrote this path; null for a root filesystem directory. */
  layer: number | null;
}

/** Decides, from a normalised absolute path and its size, whether the walk keeps a file's content in memory. */
export type CapturePredicate = (path: string, size: number) => boolean;

/**
 * Reads one file's bytes as they stream past and keeps only what it needs (a secret scanner's findings, a
 * binary's version string), so files of any size are inspected without being held in memory.
 */
export interface FileInspector {
  /** The file's next bytes. `chunk` is valid only during the call (the walk reuses buffers): copy what you keep. */
  write(chunk: Buffer): void;
  /** The file ended: its result, kept by path (undefined keeps nothing). */
  end(): unknown;
  /**
   * Optional, for files on disk (root filesystems), which can be read at any offset: inspect by reading only the
   * parts needed, answering what `end()` would after the whole file was written. Layers always stream.
   */
  readFrom?(file: RandomAccessFile): Promise<unknown>;
}

/** A regular file open for reading at any offset. */
export interface RandomAccessFile {
  readonly size: number;
  /** Up to `length` bytes at `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Buffer>;
}

/** Picks an inspector for a regular file from its path, size and mode bits, or null for none. */
export type InspectorFactory = (path: string, size: number, mode: number) => FileInspector | null;

/** Size, count and ratio limits that keep a hostile layer from exhausting memory or time (docs/cli.md). */
export interface WalkLimits {
  /** Most uncompressed bytes one layer may expand to. */
  maxLayerBytes: number;
  /** Most uncompressed-to-compressed ratio once `ratioGraceBytes` have been produced (gzip/zstd bombs). */
  maxCompressionRatio: number;
  ratioGraceBytes: number;
  /** Most entries in one layer. */
  maxEntries: number;
  /** Most bytes of one captured file. Larger files matching the predicate are recorded but not captured. */
  maxCaptureBytes: number;
}

/** What the walk of one layer produced. */
export interface LayerContents {
  index: number;
  /** Entries in archive order, whiteout markers excluded. */
  entries: FileRecord[];
  /** Paths deleted by `.wh.<name>` markers. */
  whiteouts: string[];
  /** Directories made opaque by `.wh..wh..opq` markers. */
  opaqueDirs: string[];
  /** Content of captured files, by path. */
  captured: Map<string, Buffer>;
  /** Results of file inspectors, by path (only files whose inspector returned something). */
  inspected: Map<string, unknown>;
  /** Digest of the bytes as stored (sha256 of the compressed stream). */
  digest: string;
  /** Digest of the uncompressed tar. */
  diffId: string;
  compressedBytes: number;
  uncompressedBytes: number;
  compression: 'gzip' | 'zstd' | 'none';
}

/** How one layer changed the image: paths it added, changed (overwrote) and removed. */
export interface LayerChanges {
  index: number;
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Read-only view of an image's files. Catalogers and metadata readers see files only through this.
 * All paths are absolute and resolved inside the image root: symlinks never lead outside it.
 */
export interface FileResolver {
  /** The record at `path`, not following a final symlink; undefined when absent. */
  lstat(path: string): FileRecord | undefined;
  /** The record at `path` after following symlinks and hard links inside the root; undefined when absent or dangling. Throws SYMLINK_LOOP. */
  stat(path: string): FileRecord | undefined;
  /** `path` with every symlink resolved inside the root; undefined when a component is missing. Throws SYMLINK_LOOP. */
  realpath(path: string): string | undefined;
  /** Content of the file at `path` (following links); undefined when absent or not available (not captured). */
  readFile(path: string): Promise<Buffer | undefined>;
  /** Every record whose path matches the glob (`*`, `**`, `?`, `{a,b}`), in path order. Does not follow symlinked directories. */
  glob(pattern: string): FileRecord[];
  /** Every record, in path order. */
  files(): Iterable<FileRecord>;
}
