// The contract every version scheme implements: total ordering of one ecosystem's version strings.

/**
 * One ecosystem's version ordering (dpkg, rpm, apk, SemVer, PEP 440, Maven, RubyGems, NuGet, Composer).
 * Pure: no I/O. Comparison follows the ecosystem's own reference implementation exactly, including its quirks,
 * since an advisory's range means what that ecosystem's tools mean by it.
 */
export interface VersionScheme {
  /** The scheme's name in the registry (`deb`, `rpm`, `apk`, `semver`, `go`, `pep440`, `maven`, `gem`, `nuget`, `composer`). */
  readonly name: string;
  /**
   * Negative when `a` sorts before `b`, zero when they are the same version, positive when after.
   * For strings the scheme cannot parse, it throws InvalidVersionError; callers decide what an unreadable
   * version means (the matcher reports it rather than guessing).
   */
  compare(a: string, b: string): number;
  /** True when `version` is a version this scheme can order. */
  isValid(version: string): boolean;
}

/** A version string the scheme cannot read. */
export class InvalidVersionError extends Error {
  readonly scheme: string;
  readonly version: string;

  constructor(scheme: string, version: string, why?: string) {
    super(`${JSON.stringify(version)} is not a valid ${scheme} version${why ? ` (${why})` : ''}`);
    this.name = 'InvalidVersionError';
    this.scheme = scheme;
    this.version = version;
  }
}

/** The sign of a comparison as -1, 0 or 1. */
export function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
