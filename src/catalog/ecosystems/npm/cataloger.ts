// The JavaScript catalogers: installed packages (node_modules) and lockfiles (npm, Yarn, pnpm), wired to their globs.
import { globCataloger } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import type { Cataloger, Parser } from '../../cataloger.ts';
import { mergeCopies, settleDev } from './npm-package.ts';
import { installPlace, parsePackageJson } from './parse-package-json.ts';
import { parsePackageLock } from './parse-package-lock.ts';
import { parsePnpmLock } from './parse-pnpm-lock.ts';
import { parseYarnLock } from './parse-yarn-lock.ts';

/** Root manifests decide which packages are direct; they are read, never reported. */
const ROOT_MANIFESTS = '**/package.json';

const installedFiles = globCataloger('npm-installed', 1, [{ glob: '**/node_modules/**/package.json', parse: parsePackageJson }], [ROOT_MANIFESTS]);

/**
 * Packages installed in any node_modules tree (application, global prefix, pnpm store). Copies of one
 * name@version nested at several paths of one application are one package with several locations. Dev marks
 * top-level devDependencies that no production package needs (an installed tree records no full graph).
 */
export const npmInstalledCataloger: Cataloger = {
  name: installedFiles.name,
  version: installedFiles.version,
  globs: installedFiles.globs,
  async catalog(env) {
    const app = (p: Package): string => installPlace(p.locations[0]?.path ?? '')?.rootManifest ?? '';
    return settleDev(mergeCopies(await installedFiles.catalog(env), app), app);
  },
};

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
