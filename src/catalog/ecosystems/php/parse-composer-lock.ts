// Parser for composer.lock: `packages` and `packages-dev`, direct from the composer.json beside it.
import { posix } from 'node:path';
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { composerPackage, directNames, isObject, parseJson } from './composer-package.ts';

/** Parse a composer.lock. Throws CORRUPT when the file is not a JSON object; skips unreadable entries. */
export async function parseComposerLock(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  const lock = parseJson(content);
  if (!isObject(lock)) throw new SextantError('CORRUPT', `${ctx.location.path}: not a composer.lock (JSON object expected)`);
  const direct = directNames(await ctx.readFile(posix.join(posix.dirname(ctx.location.path), 'composer.json')));
  const out: Package[] = [];
  for (const [key, dev] of [
    ['packages', false],
    ['packages-dev', true],
  ] as const) {
    const list = lock[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const p = composerPackage(entry, dev, direct, ctx);
      if (p) out.push(p);
    }
  }
  return out;
}
