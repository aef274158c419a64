// Parser for a JDK or JRE's `release` file (`JAVA_VERSION="17.0.15"`, `IMPLEMENTOR="…"`): the Java runtime.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { runtimePackage } from './parse-runtime-version.ts';

/** The `KEY="value"` lines of a release file. */
export function readReleaseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(?:"([^"]*)"|(\S*))\s*$/.exec(line);
    if (m?.[1]) out[m[1]] = m[2] ?? m[3] ?? '';
  }
  return out;
}

/**
 * Parse a Java `release` file into one `pkg:generic/openjdk@<JAVA_VERSION>` package (metadata: implementor, full
 * runtime version, and classifier `java-release`). Nothing when JAVA_VERSION is missing.
 */
export function parseJavaRelease(content: Buffer, ctx: ParseContext): Package[] {
  const f = readReleaseFields(content.toString('utf8'));
  const version = f['JAVA_VERSION'];
  if (!version) return [];
  const extra: Record<string, unknown> = {};
  if (f['IMPLEMENTOR']) extra['implementor'] = f['IMPLEMENTOR'];
  if (f['IMPLEMENTOR_VERSION']) extra['implementorVersion'] = f['IMPLEMENTOR_VERSION'];
  return [
    runtimePackage(
      { name: 'openjdk', version, classifier: 'java-release', ...(f['JAVA_RUNTIME_VERSION'] ? { fullVersion: f['JAVA_RUNTIME_VERSION'] } : {}) },
      ctx,
      extra,
    ),
  ];
}
