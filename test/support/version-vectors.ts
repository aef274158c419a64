// Test support: the public version-comparison vectors in ../shared/vectors/versions, read for table-driven tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `[a, b, expected]` with expected = -1, 0 or 1 for compare(a, b). */
export type VersionCase = [string, string, -1 | 0 | 1];

const dir = fileURLToPath(new URL('../../../shared/vectors/versions/', import.meta.url));

/** The cases of one file of ../shared/vectors/versions (e.g. `debian`, `rpm`, `semver`). */
export function versionCases(file: string): VersionCase[] {
  return JSON.parse(readFileSync(`${dir}${file}.json`, 'utf8')) as VersionCase[];
}
