// Parser for vendor/composer/installed.json: what Composer installed (v1: an array; v2: {packages, dev-package-names}).
import { posix } from 'node:path';
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { composerPackage, directNames, isObject, parseJson } from './composer-package.ts';

/**
 * Parse an installed.json. The application's composer.json sits beside the vendor directory
 * (`<app>/vendor/composer/installed.json` → `<app>/composer.json`) and says which packages are direct.
 * Throws CORRUPT when the file is neither shape.
 */
export async function parseInstalledJson(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  const doc = parseJson(content);
  let list: unknown[];
  let devNames: Set<string> | null = null;
  if (Array.isArray(doc)) list = doc;
  else if (isObject(doc) && Array.isArray(doc['packages'])) {
    list = doc['packages'];
    const names = doc['dev-package-names'];
    if (Array.isArray(names)) devNames = new Set(names.filter((n): n is string => typeof n === 'string'));
  } else throw new SextantError('CORRUPT', `${ctx.location.path}: not a Composer installed.json`);
  const appDir = posix.dirname(posix.dirname(posix.dirname(ctx.location.path)));
  const direct = directNames(await ctx.readFile(posix.join(appDir, 'composer.json')));
  const out: Package[] = [];
  for (const entry of list) {
    const name = isObject(entry) && typeof entry['name'] === 'string' ? entry['name'] : '';
    // v1 files record no dev flag at all: unknown, not false.
    const p = composerPackage(entry, devNames ? devNames.has(name) : null, direct, ctx);
    if (p) out.push(p);
  }
  return out;
}
