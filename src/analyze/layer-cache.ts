// The layer cache: each layer's walk results (file index, kept files, inspector findings) stored in SQLite under
// its diffID and the signature of what was asked of the walk, so layers seen before are never read again; and
// whole-image analyses by manifest digest, so an image analysed before is answered at once.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { deserialize, serialize } from 'node:v8';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { SextantError } from '../core/errors.ts';
import { sextantHome } from '../core/home.ts';
import type { LayerContents } from '../layerfs/types.ts';

/** Bump when the stored form of LayerContents changes: older rows are then ignored and pruned. */
const FORMAT = 1;

/** What `cache df` reports. */
export interface CacheUsage {
  path: string;
  layers: number;
  /** Whole-image analyses kept (answers for images analysed before with the same catalogers). */
  images: number;
  bytes: number;
  oldestUse: string | null;
}

/** A layer cache in one SQLite file. Rows are keyed by (diffID, signature); values are zstd-compressed v8 blobs. */
export class LayerCache {
  readonly path: string;
  private readonly db: DatabaseSync;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.db = db;
  }

  /** Open (creating) the cache under `home`. */
  static open(home = sextantHome()): LayerCache {
    const path = join(home, 'layer-cache.sqlite');
    try {
      mkdirSync(home, { recursive: true });
      const db = new DatabaseSync(path);
      db.exec(`PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS layers (
          diff_id TEXT NOT NULL, signature TEXT NOT NULL, format INTEGER NOT NULL,
          data BLOB NOT NULL, bytes INTEGER NOT NULL, created_at TEXT NOT NULL, used_at TEXT NOT NULL,
          PRIMARY KEY (diff_id, signature));
        CREATE TABLE IF NOT EXISTS analyses (
          key TEXT PRIMARY KEY, format INTEGER NOT NULL, data BLOB NOT NULL, bytes INTEGER NOT NULL, used_at TEXT NOT NULL);`);
      return new LayerCache(path, db);
    } catch (err) {
      throw new SextantError('CORRUPT', `cannot open the layer cache ${path}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The cached walk of layer `diffId` under `signature`, placed at `index`; undefined when absent or unreadable. */
  get(diffId: string, signature: string, index: number): LayerContents | undefined {
    const row = this.db.prepare('SELECT data FROM layers WHERE diff_id = ? AND signature = ? AND format = ?').get(diffId, signature, FORMAT) as { data: Uint8Array } | undefined;
    if (!row) return undefined;
    let contents: LayerContents;
    try {
      contents = deserialize(zstdDecompressSync(row.data)) as LayerContents;
    } catch {
      // A damaged row is a miss, never a failure: the layer is simply read again.
      this.db.prepare('DELETE FROM layers WHERE diff_id = ? AND signature = ?').run(diffId, signature);
      return undefined;
    }
    this.db.prepare('UPDATE layers SET used_at = ? WHERE diff_id = ? AND signature = ?').run(new Date().toISOString(), diffId, signature);
    // Records carry the layer index of the image they were walked in; the same layer may sit elsewhere here.
    if (contents.index !== index) {
      contents.index = index;
      for (const rec of contents.entries) rec.layer = index;
    }
    return contents;
  }

  /** Store a walked layer. */
  put(diffId: string, signature: string, contents: LayerContents): void {
    const data = zstdCompressSync(serialize(contents));
    const now = new Date().toISOString();
    this.db
      .prepare('INSERT OR REPLACE INTO layers (diff_id, signature, format, data, bytes, created_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(diffId, signature, FORMAT, data, data.length, now, now);
  }

  /**
   * A whole image's analysis stored under `key` (the manifest digest and what was asked), or undefined. Images
   * are content-addressed, so an analysis of the same manifest by the same catalogers is the same analysis.
   */
  getAnalysis(key: string): unknown {
    const row = this.db.prepare('SELECT data FROM analyses WHERE key = ? AND format = ?').get(key, FORMAT) as { data: Uint8Array } | undefined;
    if (!row) return undefined;
    try {
      const value = deserialize(zstdDecompressSync(row.data)) as unknown;
      this.db.prepare('UPDATE analyses SET used_at = ? WHERE key = ?').run(new Date().toISOString(), key);
      return value;
    } catch {
      this.db.prepare('DELETE FROM analyses WHERE key = ?').run(key);
      return undefined;
    }
  }

  /** Store a whole image's analysis. */
  putAnalysis(key: string, value: unknown): void {
    const data = zstdCompressSync(serialize(value));
    this.db.prepare('INSERT OR REPLACE INTO analyses (key, format, data, bytes, used_at) VALUES (?, ?, ?, ?, ?)').run(key, FORMAT, data, data.length, new Date().toISOString());
  }

  /** Rows and bytes held. */
  usage(): CacheUsage {
    const layers = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes, MIN(used_at) AS oldest FROM layers').get() as { n: number; bytes: number; oldest: string | null };
    const images = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes FROM analyses').get() as { n: number; bytes: number };
    return {
      path: this.path,
      layers: Number(layers.n),
      images: Number(images.n),
      bytes: Number(layers.bytes) + Number(images.bytes),
      oldestUse: layers.oldest,
    };
  }

  /** Remove rows last used before `before` (all rows when undefined) and rows of older formats; returns how many. */
  prune(before?: Date): number {
    const result = before
      ? this.db.prepare('DELETE FROM layers WHERE used_at < ? OR format != ?').run(before.toISOString(), FORMAT)
      : this.db.prepare('DELETE FROM layers').run();
    if (before) this.db.prepare('DELETE FROM analyses WHERE used_at < ? OR format != ?').run(before.toISOString(), FORMAT);
    else this.db.prepare('DELETE FROM analyses').run();
    this.db.exec('VACUUM');
    return Number(result.changes);
  }

  close(): void {
    this.db.close();
  }
}
