// Where a package is looked up in OSV: the ecosystem (and, for distributions, the release the image runs), the
// name OSV keys it by, and the version to place in the advisory's ranges.
import type { OsRelease } from '../core/model.ts';
import type { Package } from '../core/package.ts';

/** One way to look a package up. */
export interface OsvCoordinates {
  /** OSV ecosystem without a release: `Debian`, `Alpine`, `npm`, `PyPI`. */
  ecosystem: string;
  /**
   * For distributions, the releases whose advisories apply (`Debian:12` → `12`, `Alpine:v3.20` → `v3.20`,
   * `Ubuntu:22.04:LTS` → `22.04:LTS`); null where OSV has no release (language ecosystems, Wolfi, Chainguard).
   * An entry's release applies when it is this one or begins with it and a `:` (Red Hat's `enterprise_linux:9`
   * covers `enterprise_linux:9::appstream` and `enterprise_linux:9::baseos`).
   */
  release: string | null;
  name: string;
  version: string;
  /** Why these coordinates: `source package` (Debian's keying), `binary package`, or `package`. */
  keyedBy: 'source package' | 'binary package' | 'package';
}

/** The language ecosystems, by purl type. */
const LANGUAGE: Partial<Record<Package['type'], string>> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  golang: 'Go',
  cargo: 'crates.io',
  gem: 'RubyGems',
  composer: 'Packagist',
  nuget: 'NuGet',
  hex: 'Hex',
  pub: 'Pub',
};

/**
 * The coordinates to look `pkg` up by, best first: a dpkg or apk package by its source package (apk's origin) and
 * source version (as Debian's, Ubuntu's and Alpine's OSV records are keyed), then by its own name; an rpm by its name; a language
 * package by its ecosystem's naming (`group:artifact` for Maven, `scope/name` for npm, the module path for Go).
 * Empty when OSV has nothing for it (generic binaries, conda, an OS package on an unknown distribution).
 */
export function osvCoordinates(pkg: Package, distro: OsRelease | null): OsvCoordinates[] {
  const language = LANGUAGE[pkg.type];
  if (language) {
    const name = pkg.namespace && pkg.type !== 'pypi' ? `${pkg.namespace}${pkg.type === 'maven' ? ':' : '/'}${pkg.name}` : pkg.name;
    return [{ ecosystem: language, release: null, name, version: pkg.version, keyedBy: 'package' }];
  }
  const os = distroEcosystem(pkg.type, distro);
  if (!os) return [];
  const binary: OsvCoordinates = { ...os, name: pkg.name, version: pkg.version, keyedBy: 'binary package' };
  // Debian's, Ubuntu's and Alpine's (and Wolfi's, Chainguard's) records name source packages (apk's origin):
  // `libssl3` is found under `openssl`. Red Hat's and its rebuilds' name binary rpms.
  const bySource = pkg.type === 'deb' || pkg.type === 'apk';
  if (bySource && pkg.source && (pkg.source.name !== pkg.name || pkg.source.version !== pkg.version)) {
    return [{ ...os, name: pkg.source.name, version: pkg.source.version, keyedBy: 'source package' }, binary];
  }
  return [bySource ? { ...binary, keyedBy: 'source package' } : binary];
}

/** Debian codenames by release number: testing and sid images name only their codename in os-release. */
const DEBIAN_CODENAMES: Readonly<Record<string, string>> = { buster: '10', bullseye: '11', bookworm: '12', trixie: '13', forky: '14', duke: '15' };

/** The OSV ecosystem and release of an image's distribution, for its OS package type. */
function distroEcosystem(type: Package['type'], distro: OsRelease | null): { ecosystem: string; release: string | null } | null {
  const id = distro?.id ?? null;
  const version = distro?.versionId ?? '';
  const majorMinor = /^(\d+)\.(\d+)/.exec(version);
  const major = /^(\d+)/.exec(version)?.[1] ?? null;
  if (type === 'deb') {
    if (id === 'debian') {
      // Testing and sid carry no VERSION_ID; their codename is the release they are becoming.
      const release = major ?? DEBIAN_CODENAMES[distro?.versionCodename ?? ''] ?? null;
      return release ? { ecosystem: 'Debian', release } : null;
    }
    if (id === 'ubuntu') return majorMinor ? { ecosystem: 'Ubuntu', release: `${majorMinor[1]}.${majorMinor[2]}${/LTS/.test(distro?.prettyName ?? '') ? ':LTS' : ''}` } : null;
    return null;
  }
  if (type === 'apk') {
    if (id === 'alpine') return majorMinor ? { ecosystem: 'Alpine', release: `v${majorMinor[1]}.${majorMinor[2]}` } : null;
    if (id === 'wolfi') return { ecosystem: 'Wolfi', release: null };
    if (id === 'chainguard') return { ecosystem: 'Chainguard', release: null };
    return null;
  }
  if (type === 'rpm') {
    if (!major) return null;
    // Red Hat's records name a product stream and repository: `Red Hat:enterprise_linux:9::appstream`.
    if (id === 'rhel') return { ecosystem: 'Red Hat', release: `enterprise_linux:${major}` };
    if (id === 'rocky') return { ecosystem: 'Rocky Linux', release: major };
    if (id === 'almalinux') return { ecosystem: 'AlmaLinux', release: major };
    if (id === 'opensuse-leap') return { ecosystem: 'openSUSE', release: `Leap ${version}` };
    if (id === 'sles') {
      const servicePack = /^\d+\.(\d+)/.exec(version)?.[1] ?? '0';
      return { ecosystem: 'SUSE', release: `Linux Enterprise Server ${major}${servicePack === '0' ? '' : ` SP${servicePack}`}` };
    }
    if (id === 'photon' && majorMinor) return { ecosystem: 'Photon OS', release: `${majorMinor[1]}.${majorMinor[2]}` };
    return null;
  }
  return null;
}
