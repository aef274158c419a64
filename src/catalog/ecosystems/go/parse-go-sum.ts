// Parser for go.sum: module checksums, read as the set of modules a build consulted.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { compareGoVersions, goModulePackage } from './go-module.ts';

/** One go.sum line's facts: the module, its version, and whether it checksums the module's content or only its go.mod. */
export interface GoSumEntry {
  path: string;
  version: string;
  goModOnly: boolean;
  hash: string;
}

/** Every well-formed `<module> <version>[/go.mod] <hash>` line; others are skipped. */
export function readGoSum(text: string): GoSumEntry[] {
  const out: GoSumEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [path, rawVersion, hash] = line.trim().split(/\s+/);
    if (!path || !rawVersion || !hash) continue;
    const goModOnly = rawVersion.endsWith('/go.mod');
    out.push({ path, version: goModOnly ? rawVersion.slice(0, -'/go.mod'.length) : rawVersion, goModOnly, hash });
  }
  return out;
}

/**
 * Parse a go.sum. It lists every module version whose go.mod the module graph consulted, so one module appears at
 * several versions; minimal version selection picks the highest, which is the one reported. When that version has
 * only a `/go.mod` checksum the module's code was never downloaded (`metadata.goModOnly`). Direct is unknowable.
 */
export function parseGoSum(content: Buffer, ctx: ParseContext): Package[] {
  const best = new Map<string, { version: string; h1: string | null }>();
  for (const e of readGoSum(content.toString('utf8'))) {
    const seen = best.get(e.path);
    const c = seen ? compareGoVersions(e.version, seen.version) : 1;
    if (c > 0) best.set(e.path, { version: e.version, h1: e.goModOnly ? null : e.hash });
    else if (c === 0 && seen && !e.goModOnly) seen.h1 = e.hash;
  }
  return [...best].map(([path, { version, h1 }]) => goModulePackage(path, version, null, h1 ? { h1Digest: h1 } : { goModOnly: true }, ctx));
}
