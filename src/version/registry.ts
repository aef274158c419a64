// Version schemes by name, and the scheme each OSV ecosystem orders its versions by.
import { apkVersion } from './apk.ts';
import { composerVersion } from './composer.ts';
import { debVersion } from './deb.ts';
import { gemVersion } from './gem.ts';
import { goVersion } from './go.ts';
import { mavenVersion } from './maven.ts';
import { nugetVersion } from './nuget.ts';
import { pep440Version } from './pep440.ts';
import { rpmVersion } from './rpm.ts';
import type { VersionScheme } from './scheme.ts';
import { semverVersion } from './semver.ts';

/** Every scheme, by name. */
export const versionSchemes: Readonly<Record<string, VersionScheme>> = Object.fromEntries(
  [debVersion, rpmVersion, apkVersion, semverVersion, goVersion, pep440Version, mavenVersion, gemVersion, nugetVersion, composerVersion].map((s) => [s.name, s]),
);

/** OSV ecosystems (the part before any `:release` suffix) and the ordering their ECOSYSTEM ranges use. */
const BY_ECOSYSTEM: Readonly<Record<string, VersionScheme>> = {
  Debian: debVersion,
  Ubuntu: debVersion,
  Alpine: apkVersion,
  Wolfi: apkVersion,
  Chainguard: apkVersion,
  'Red Hat': rpmVersion,
  'Rocky Linux': rpmVersion,
  AlmaLinux: rpmVersion,
  openSUSE: rpmVersion,
  SUSE: rpmVersion,
  'Photon OS': rpmVersion,
  Mageia: rpmVersion,
  openEuler: rpmVersion,
  'Azure Linux': rpmVersion,
  npm: semverVersion,
  'crates.io': semverVersion,
  Hex: semverVersion,
  Pub: semverVersion,
  SwiftURL: semverVersion,
  Go: goVersion,
  PyPI: pep440Version,
  Maven: mavenVersion,
  RubyGems: gemVersion,
  NuGet: nugetVersion,
  Packagist: composerVersion,
};

/**
 * The scheme that orders versions of OSV `ecosystem` (`Debian:12` → deb, `Maven:https://…` → maven) for a range of
 * `rangeType`: SEMVER ranges are SemVer whatever the ecosystem, except Go's, which the go scheme reads with or
 * without `v`. Undefined for ecosystems Sextant cannot order (their advisories are then reported, not guessed).
 */
export function schemeFor(ecosystem: string, rangeType: 'ECOSYSTEM' | 'SEMVER' = 'ECOSYSTEM'): VersionScheme | undefined {
  const base = ecosystem.split(':')[0] ?? ecosystem;
  if (rangeType === 'SEMVER') return base === 'Go' ? goVersion : semverVersion;
  return BY_ECOSYSTEM[base];
}
