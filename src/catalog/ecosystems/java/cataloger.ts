// Java catalogers: archives (jar, war, ear and kin, with nested archives) and Gradle lockfiles.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { ARCHIVE_EXTENSIONS } from './java-package.ts';
import { parseJavaArchive } from './parse-archive.ts';
import { parseGradleLockfile } from './parse-gradle-lockfile.ts';

/** Largest archive kept for reading: Spring Boot fat jars and big wars run to tens of MiB. */
export const MAX_ARCHIVE_FILE_BYTES = 128 * 2 ** 20;

/** Packages in Java archives: the archive itself, shaded dependencies, and nested archives, with SHA-1s. */
export const javaArchiveCataloger = globCataloger(
  'java-archive',
  1,
  [{ glob: `**/*.{${ARCHIVE_EXTENSIONS.join(',')}}`, parse: (content, ctx) => parseJavaArchive(content, ctx) }],
  [],
  { maxFileBytes: MAX_ARCHIVE_FILE_BYTES },
) satisfies Cataloger;

/** Modules locked by `gradle.lockfile`, and by the per-configuration lockfiles of Gradle before 6.4. */
export const gradleLockfileCataloger = globCataloger('java-gradle-lockfile', 1, [
  { glob: '**/gradle.lockfile', parse: parseGradleLockfile },
  { glob: '**/gradle/dependency-locks/*.lockfile', parse: parseGradleLockfile },
]) satisfies Cataloger;
