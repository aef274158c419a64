// The dpkg cataloger: Debian-family packages from the status database and distroless `status.d`, with the files
// each package owns (`info/*.list`, `status.d/*.md5sums`) and licences from machine-readable copyright files.
import type { Package } from '../../../core/package.ts';
import type { CatalogEnv, Cataloger, ParseContext } from '../../cataloger.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { parseCopyrightLicenses } from './parse-copyright.ts';
import { parseFileList, parseMd5sums } from './parse-file-list.ts';
import { parseDpkgStatus, resolveDpkgDependencies } from './parse-status.ts';

const NAME = 'dpkg';
const VERSION = 1;

/** Package databases: dpkg's, distroless one-file-per-package, and opkg's (same format, OpenWrt and Yocto). */
const DATABASES = ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*', '/var/lib/opkg/status', '/usr/lib/opkg/status'] as const;
/** Files read alongside the databases: owned-file lists and copyright files. */
const COMPANIONS = ['/var/lib/dpkg/info/*.list', '/usr/share/doc/*/copyright'] as const;

/** Finds dpkg (and opkg) packages. */
export const dpkgCataloger = {
  name: NAME,
  version: VERSION,
  globs: [...DATABASES, ...COMPANIONS],
  async parseSnapshot(path: string, content: Buffer, env: CatalogEnv): Promise<Package[]> {
    const foundBy = `${NAME}@${VERSION}`;
    return parseDpkgStatus(content, { location: { path, layerDigest: null }, distro: env.distro, foundBy, readFile: (p) => env.resolver.readFile(p) });
  },
  async catalog(env: CatalogEnv): Promise<Package[]> {
    const foundBy = `${NAME}@${VERSION}`;
    const packages: Package[] = [];
    for (const pattern of DATABASES) {
      for (const rec of env.resolver.glob(pattern)) {
        if (rec.type !== 'file' || rec.path.endsWith('.md5sums')) continue;
        const content = await env.resolver.readFile(rec.path);
        if (content === undefined) continue;
        const ctx: ParseContext = {
          location: { path: rec.path, layerDigest: env.layerDigest(rec.path) },
          distro: env.distro,
          foundBy,
          readFile: (p) => env.resolver.readFile(p),
        };
        const found = parseDpkgStatus(content, ctx);
        // Companion reads are independent per package; on a directory root each is a disk read.
        await Promise.all(
          found.map(async (pkg) => {
            await addOwnedFiles(pkg, rec.path, env);
            if (pkg.licenses === 'NOASSERTION') await addCopyrightLicenses(pkg, env);
          }),
        );
        packages.push(...found);
      }
    }
    resolveDpkgDependencies(packages);
    return packages;
  },
} satisfies Cataloger;

// The list of files a package owns, and that list's path as a second location (it too declares the package).
async function addOwnedFiles(pkg: Package, dbPath: string, env: CatalogEnv): Promise<void> {
  const candidates = dbPath.startsWith('/var/lib/dpkg/status.d/')
    ? [`${dbPath}.md5sums`, `/var/lib/dpkg/status.d/${pkg.name}.md5sums`]
    : dbPath === '/var/lib/dpkg/status'
      ? // Multi-Arch: same packages have `<name>:<arch>.list`; the others `<name>.list`.
        [...(pkg.arch ? [`/var/lib/dpkg/info/${pkg.name}:${pkg.arch}.list`] : []), `/var/lib/dpkg/info/${pkg.name}.list`]
      : [];
  for (const path of new Set(candidates)) {
    const content = await env.resolver.readFile(path);
    if (content === undefined) continue;
    pkg.metadata['files'] = path.endsWith('.md5sums') ? parseMd5sums(content) : parseFileList(content);
    pkg.locations.push({ path, layerDigest: env.layerDigest(path) });
    return;
  }
}

async function addCopyrightLicenses(pkg: Package, env: CatalogEnv): Promise<void> {
  const content = await env.resolver.readFile(`/usr/share/doc/${pkg.name}/copyright`);
  if (content !== undefined) pkg.licenses = normalizeLicenses(parseCopyrightLicenses(content));
}
