// The all-layers view: every layer's own entries and changes, including files later layers hid or removed.
import { glob } from './glob.ts';
import { comparePaths } from './paths.ts';
import type { FileRecord, LayerChanges, LayerContents } from './types.ts';

/** One layer as the all-layers view shows it. */
export interface LayerView {
  index: number;
  contents: LayerContents;
  changes: LayerChanges;
}

/**
 * Every layer side by side. Where the squashed view answers "what does the image hold", this one answers "which
 * layer put what where", e.g. a secret added in one layer and deleted in the next. Paths are not resolved
 * through symlinks here: each layer alone is not a filesystem.
 */
export class AllLayersView {
  /** The layers, in the order given. */
  readonly layers: readonly LayerView[];
  private readonly byIndex = new Map<number, LayerView>();

  /** `changes[i]` must belong to `layers[i]`, as coalesce returns them. */
  constructor(layers: readonly LayerContents[], changes: readonly LayerChanges[]) {
    this.layers = layers.map((contents, i) => {
      const view: LayerView = { index: contents.index, contents, changes: changes[i] ?? { index: contents.index, added: [], changed: [], removed: [] } };
      this.byIndex.set(contents.index, view);
      return view;
    });
  }

  /** The layer with this index, if any. */
  layer(index: number): LayerView | undefined {
    return this.byIndex.get(index);
  }

  /** Every entry of every layer: layer order, then archive order. A path written by two layers appears twice. */
  *files(): Generator<FileRecord> {
    for (const layer of this.layers) yield* layer.contents.entries;
  }

  /** Entries matching `pattern` (glob.ts syntax): layer order, then path order within each layer. */
  glob(pattern: string): FileRecord[] {
    const compiled = glob(pattern);
    const out: FileRecord[] = [];
    for (const layer of this.layers) {
      const hits = layer.contents.entries.filter((rec) => compiled.test(rec.path));
      hits.sort((a, b) => comparePaths(a.path, b.path));
      out.push(...hits);
    }
    return out;
  }

  /** Every layer's record for `path`, in layer order (later duplicates within one layer win). */
  history(path: string): FileRecord[] {
    const out: FileRecord[] = [];
    for (const layer of this.layers) {
      let found: FileRecord | undefined;
      for (const rec of layer.contents.entries) if (rec.path === path) found = rec;
      if (found !== undefined) out.push(found);
    }
    return out;
  }

  /** What layer `index` captured at `path` (no link following); undefined when it did not capture it. */
  readFile(index: number, path: string): Buffer | undefined {
    return this.byIndex.get(index)?.contents.captured.get(path);
  }
}

/** The all-layers view of walked layers and the changes coalesce computed for them. */
export function createAllLayersView(layers: readonly LayerContents[], changes: readonly LayerChanges[]): AllLayersView {
  return new AllLayersView(layers, changes);
}
