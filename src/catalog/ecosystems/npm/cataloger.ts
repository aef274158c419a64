// The JavaScript catalogers: installed packages (node_modules) and lockfiles (npm, Yarn, pnpm), wired to their globs.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger, Parser } from '../../cataloger.ts';
import { parsePackageJson } from './parse-package-json.ts';
import { parsePackageLock } from './parse-package-lock.ts';
import { parsePnpmLock } from './parse-pnpm-lock.ts';
import { parseYarnLock } from './parse-yarn-lock.ts';

/** Root manifests decide which packages are direct; they are read, never reported. */
const ROOT_MANIFESTS = '**/package.json';

/** Packages installed in any node_modules tree (application, global prefix, pnpm store). */
export const npmInstalledCataloger: Cataloger = globCataloger('npm-installed', 1, [{ glob: '**/node_modules/**/package.json', parse: parsePackageJson }], [ROOT_MANIFESTS]);

/**
 * A lockfile shipped inside an installed package describes that package's development, not the image, so only
 * lockfiles outside node_modules count.
 */
function outsideNodeModules(parse: Parser): Parser {
  return (content, ctx) => (ctx.location.path.includes('/node_modules/') ? [] : parse(content, ctx));
}

/** Packages declared by npm, Yarn and pnpm lockfiles. */
export const npmLockCataloger: Cataloger = globCataloger(
  'npm-lock',
  1,
  [
    { glob: '**/package-lock.json', parse: outsideNodeModules(parsePackageLock) },
    { glob: '**/npm-shrinkwrap.json', parse: outsideNodeModules(parsePackageLock) },
    { glob: '**/yarn.lock', parse: outsideNodeModules(parseYarnLock) },
    { glob: '**/pnpm-lock.yaml', parse: outsideNodeModules(parsePnpmLock) },
  ],
  [ROOT_MANIFESTS],
);
