// The coalescer: folds per-layer walk results, in layer order, into the squashed view and per-layer changes.
import { FileTree } from './file-tree.ts';
import type { FileRecord, LayerChanges, LayerContents } from './types.ts';

/** The image view after every layer, and what each layer did to the view below it. */
export interface Coalesced {
  /** The squashed filesystem, with the captured content and inspector results of whichever layer last wrote each path. */
  squashed: FileTree;
  /** One per layer, in the order given. */
  changes: LayerChanges[];
}

/**
 * Applies `layers` in array order with OCI / overlayfs semantics. Within a layer, its whiteouts and opaque
 * directories apply first and only to the layers below (OCI image spec, "Whiteouts"): an opaque directory keeps
 * itself and loses everything beneath; `.wh.<name>` removes the path and its descendants. Then entries apply in
 * archive order: a later write replaces an earlier one, a non-directory replacing a directory removes the
 * descendants, and a directory replacing a directory merges. Records are shared, not copied, so the cost is one
 * tree node per path.
 *
 * Changes compare the view before and after each layer: `added` paths did not exist before, `changed` ones did
 * and were rewritten (a directory entry repeated in a later layer counts), `removed` ones existed and are gone
 * (every removed path, descendants included). Directories a layer implies without listing them count as added.
 */
export function coalesce(layers: readonly LayerContents[]): Coalesced {
  const tree = new FileTree();
  const changes: LayerChanges[] = [];
  for (const layer of layers) changes.push(applyLayer(tree, layer));
  return { squashed: tree, changes };
}

function applyLayer(tree: FileTree, layer: LayerContents): LayerChanges {
  const index = layer.index;
  const added: string[] = [];
  const changed: string[] = [];
  // Paths that existed before this layer and that something in this layer removed (maybe re-added later).
  const removedBefore = new Set<string>();
  let removedAny = false;
  const onRemove = (rec: FileRecord): void => {
    removedAny = true;
    if (rec.layer !== index) removedBefore.add(rec.path);
  };
  const classify = (rec: FileRecord, prev: FileRecord | undefined): void => {
    if (prev === undefined) {
      (removedBefore.has(rec.path) ? changed : added).push(rec.path);
    } else if (prev.layer !== index) {
      changed.push(rec.path);
    }
    // prev written by this very layer: the path is already classified.
  };

  for (const dir of layer.opaqueDirs) tree.clear(dir, onRemove);
  for (const path of layer.whiteouts) tree.remove(path, onRemove);

  const { captured, inspected } = layer;
  for (const rec of layer.entries) {
    const prev = tree.put(rec, onRemove, classify);
    classify(rec, prev);
    if (captured.size > 0) {
      const content = captured.get(rec.path);
      if (content !== undefined && rec.type === 'file') tree.content.set(rec.path, content);
    }
    if (inspected.size > 0) {
      const result = inspected.get(rec.path);
      if (result !== undefined && rec.type === 'file') tree.inspected.set(rec.path, result);
    }
  }

  if (!removedAny) return { index, added, changed, removed: [] };
  // Something was removed: a path this layer wrote may have been removed again later in the same layer (a file
  // replacing a directory it had filled), and a removed lower path may have been written again.
  const writtenHere = (path: string): boolean => tree.get(path)?.layer === index;
  const finalAdded = unique(added).filter(writtenHere);
  const finalChanged: string[] = [];
  for (const path of unique(changed)) {
    if (writtenHere(path)) finalChanged.push(path);
    else removedBefore.add(path);
  }
  const removed = [...removedBefore].filter((path) => tree.get(path) === undefined);
  return { index, added: finalAdded, changed: finalChanged, removed };
}

function unique(paths: string[]): string[] {
  return paths.length < 2 ? paths : [...new Set(paths)];
}
