// Parser for installed packages: a `node_modules/<name>/package.json` (or `node_modules/@scope/<name>/package.json`).
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import {
  asRecord,
  depNames,
  manifestLicenses,
  npmPackage,
  personText,
  readRootManifest,
  rootNames,
  tryJson,
} from './npm-package.ts';
import type { RootManifest } from './npm-package.ts';

/** A package directory's own manifest: directly inside `node_modules/<name>/` or `node_modules/@scope/<name>/`. */
const INSTALLED = /\/node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)\/package\.json$/;

/** Where an installed package sits: the app's root manifest and whether it is at the top of the app's node_modules. */
export interface InstallPlace {
  /** Path of the package.json of the directory holding the top `node_modules`. */
  rootManifest: string;
  /** True when the package is installed at the top level (not nested under another package). */
  topLevel: boolean;
  /** True for a global prefix (`…/lib/node_modules`), whose top-level packages are what the user installed. */
  global: boolean;
}

/** Where the package.json at `path` sits in its node_modules tree; undefined when it is not a package's own manifest. */
export function installPlace(path: string): InstallPlace | undefined {
  if (!INSTALLED.test(path)) return undefined;
  const first = path.indexOf('/node_modules/');
  const appDir = path.slice(0, first);
  const rest = path.slice(first + '/node_modules/'.length);
  // pnpm keeps every package in node_modules/.pnpm/<id>/node_modules/<name> and links the direct ones at the top;
  // the links are not walked, so a package in the store counts as top level when the root names it.
  const nested = rest.startsWith('.pnpm/') ? rest.split('/node_modules/').length > 2 : rest.includes('/node_modules/');
  return { rootManifest: `${appDir}/package.json`, topLevel: !nested, global: /\/lib$/.test(appDir) };
}

/**
 * Parses one installed package.json. `root` is the application's root manifest (undefined when there is none),
 * which decides `direct` and `dev` for top-level packages. Files that are not a package's own manifest, or that
 * have no name and version (test fixtures, `{"type": "module"}` stubs), give nothing.
 */
export function parseInstalledPackageJson(content: Buffer, ctx: ParseContext, root: RootManifest | undefined): Package[] {
  const place = installPlace(ctx.location.path);
  if (!place) return [];
  const json = asRecord(tryJson(content.toString('utf8')));
  if (!json) return [];
  const name = json['name'];
  const version = json['version'];
  if (typeof name !== 'string' || typeof version !== 'string' || !name || !version) return [];

  let direct: boolean | null = null;
  let dev = false;
  if (root) {
    direct = place.topLevel && rootNames(root).has(name);
    dev = direct && root.dev.has(name) && !root.prod.has(name) && !root.optional.has(name);
  } else if (place.global) {
    direct = place.topLevel;
  }

  const authors: string[] = [];
  for (const p of [json['author'], ...arr(json['contributors']), ...arr(json['maintainers'])]) {
    const text = personText(p);
    if (text && !authors.includes(text)) authors.push(text);
  }
  const metadata: Record<string, unknown> = {};
  if (dev) metadata['dev'] = true;
  if (place.global) metadata['global'] = true;
  if (json['private'] === true) metadata['private'] = true;
  if (typeof json['homepage'] === 'string') metadata['homepage'] = json['homepage'];
  // Older npm versions wrote where the package came from into the installed manifest.
  if (typeof json['_resolved'] === 'string') metadata['resolved'] = json['_resolved'];
  if (typeof json['_integrity'] === 'string') metadata['integrity'] = json['_integrity'];

  return [
    npmPackage(
      {
        name,
        version,
        authors,
        description: typeof json['description'] === 'string' ? json['description'] : null,
        licenses: manifestLicenses(json),
        direct,
        dependsOn: [...depNames(json['dependencies']), ...depNames(json['optionalDependencies'])],
        metadata,
      },
      ctx,
    ),
  ];
}

/** The Parser form: reads the application's root manifest through the context first. */
export async function parsePackageJson(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  const place = installPlace(ctx.location.path);
  if (!place) return [];
  return parseInstalledPackageJson(content, ctx, await readRootManifest(ctx, place.rootManifest));
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
