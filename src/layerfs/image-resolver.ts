// The squashed image view as a FileResolver: file content is whatever the walk captured from the last writer.
import type { FileTree } from './file-tree.ts';
import { TreeResolver } from './tree-resolver.ts';
import type { FileResolver } from './types.ts';

/**
 * A FileResolver over a squashed tree (coalesce(...).squashed). `readFile` answers from the captured content
 * of the layer that last wrote the path, and undefined for files the walk did not capture.
 */
export function createImageResolver(squashed: FileTree): FileResolver {
  return new TreeResolver(squashed, (rec) => Promise.resolve(squashed.content.get(rec.path)));
}
