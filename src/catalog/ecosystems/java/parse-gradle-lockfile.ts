// gradle.lockfile: Gradle's dependency lock state, one `group:artifact:version=configuration,…` line per module.
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { mavenPurl } from './java-package.ts';
import { buildPackage } from '../../package-builder.ts';

/**
 * Every locked module. Comments and the `empty=` line (configurations with no dependencies) are skipped, as are
 * lines that are not three coordinates. A module locked only in test configurations (`testCompileClasspath`,
 * `testRuntimeClasspath`, …) is marked `metadata.dev`. The lockfile does not say which modules the build asks for
 * by name, so direct is null.
 */
export function parseGradleLockfile(content: Buffer, ctx: ParseContext): Package[] {
  const out: Package[] = [];
  for (const raw of content.toString('utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const coords = (eq < 0 ? line : line.slice(0, eq)).split(':');
    if (coords.length !== 3 || coords.some((c) => c.trim() === '')) continue;
    const [groupId, artifactId, version] = coords.map((c) => c.trim()) as [string, string, string];
    const configurations = eq < 0 ? [] : line.slice(eq + 1).split(',').map((c) => c.trim()).filter(Boolean);
    out.push(buildPackage(
      {
        type: 'maven',
        namespace: groupId,
        name: artifactId,
        version,
        purl: mavenPurl(groupId, artifactId, version),
        metadata: { configurations, dev: configurations.length > 0 && configurations.every((c) => /^test[A-Z]/.test(c)) },
      },
      ctx,
    ));
  }
  return out;
}
