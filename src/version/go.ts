// Go module and Go toolchain versions as OSV's `Go` ecosystem writes them, ordered as SemVer.
//
// Module versions: SemVer with or without the leading `v` (OSV ranges omit it; go.mod and build info keep it),
// `vX` and `vX.Y` shorthands as golang.org/x/mod/semver reads them, `+incompatible` (build metadata, so ignored
// for ordering), and pseudo-versions, which are ordinary SemVer pre-releases and order as such.
// Toolchain (standard library) versions: `go1.22.5`, `go1.22`, `go1.21rc2`, `go1.9beta1` read as 1.22.5, 1.22.0,
// 1.21.0-rc.2 and 1.9.0-beta.1, the forms OSV uses for the `stdlib` and `toolchain` packages.
import type { SemVer } from 'semver';
import { parseSemver } from './semver.ts';
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

const toolchainPattern = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$/;
const modulePattern = /^v?(\d+)(?:\.(\d+)(?:\.(\d+)([-+][0-9A-Za-z.+-]*)?)?)?$/;

/** The SemVer string a Go version stands for (not yet checked as SemVer), or undefined when it cannot be one. */
export function goToSemver(version: string): string | undefined {
  const toolchain = toolchainPattern.exec(version);
  if (toolchain) {
    const [, major, minor = '0', patch = '0', stage, stageNumber] = toolchain;
    return `${major}.${minor}.${patch}${stage ? `-${stage}.${stageNumber}` : ''}`;
  }
  // `vX` and `vX.Y` stand for vX.0.0 and vX.Y.0, but only bare (no pre-release or build suffix).
  const module = modulePattern.exec(version);
  if (!module) return undefined;
  const [, major, minor = '0', patch = '0', rest = ''] = module;
  return `${major}.${minor}.${patch}${rest}`;
}

function parseGo(version: string): SemVer {
  const semver = goToSemver(version);
  if (semver === undefined) throw new InvalidVersionError('go', version);
  try {
    return parseSemver('go', semver);
  } catch {
    throw new InvalidVersionError('go', version);
  }
}

/** Go module and toolchain versions. */
export const goVersion: VersionScheme = {
  name: 'go',
  compare: (a, b) => sign(parseGo(a).compare(parseGo(b))),
  isValid(version) {
    try {
      parseGo(version);
      return true;
    } catch {
      return false;
    }
  },
};
