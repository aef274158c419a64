// SemVer 2.0.0 ordering (npm, crates.io, Hex, Pub, SwiftURL in OSV) through the `semver` package in strict mode.
import { SemVer, valid } from 'semver';
import { InvalidVersionError, sign, type VersionScheme } from './scheme.ts';

/** Parses a strict SemVer string (node-semver's non-loose grammar), or throws InvalidVersionError. */
export function parseSemver(scheme: string, version: string): SemVer {
  if (valid(version) === null) throw new InvalidVersionError(scheme, version);
  return new SemVer(version);
}

/** SemVer 2.0.0 precedence: pre-releases before their release, build metadata ignored. */
export const semverVersion: VersionScheme = {
  name: 'semver',
  compare: (a, b) => sign(parseSemver('semver', a).compare(parseSemver('semver', b))),
  isValid: (version) => valid(version) !== null,
};
