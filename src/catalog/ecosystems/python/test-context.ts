// Test helper: a ParseContext over an in-memory set of sibling files.
import type { ParseContext } from '../../cataloger.ts';

/** A context at `path` whose readFile serves `files` (absolute path → text). */
export function testContext(path: string, files: Record<string, string> = {}): ParseContext {
  return {
    location: { path, layerDigest: 'sha256:abc' },
    distro: null,
    foundBy: 'python-test@1',
    readFile: (p) => Promise.resolve(p in files ? Buffer.from(files[p] as string) : undefined),
  };
}
