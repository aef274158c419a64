// PHP cataloger: Composer's installed.json and composer.lock (composer.json beside them is read for direct flags).
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseComposerLock } from './parse-composer-lock.ts';
import { parseInstalledJson } from './parse-installed-json.ts';

/** Composer packages from installed.json (what is in vendor/) and composer.lock (what the app pinned). */
export const composerCataloger = globCataloger(
  'composer',
  1,
  [
    { glob: '**/vendor/composer/installed.json', parse: parseInstalledJson },
    { glob: '**/composer.lock', parse: parseComposerLock },
  ],
  // composer.json is read only for `require`/`require-dev`, to tell direct from transitive packages.
  ['**/composer.json'],
) satisfies Cataloger;
