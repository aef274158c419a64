// Shared Java naming: archive file names, groupId guesses from manifests, Maven purls, and licence URLs.
import { makePurl } from '../../purl.ts';

/** Archive extensions the Java cataloger opens (Jenkins plugins are jpi/hpi; nar, kar, par, sar are zips too). */
export const ARCHIVE_EXTENSIONS = ['jar', 'war', 'ear', 'jpi', 'hpi', 'par', 'sar', 'nar', 'kar'] as const;

const archiveRe = new RegExp(`\\.(${ARCHIVE_EXTENSIONS.join('|')})$`, 'i');

/** True when a path names a Java archive by its extension. */
export function isArchiveName(path: string): boolean {
  return archiveRe.test(path);
}

/** The archive's extension in lower case (`war`), or `jar` when it has none of ours. */
export function archiveKind(path: string): string {
  return archiveRe.exec(path)?.[1]?.toLowerCase() ?? 'jar';
}

/**
 * Name and version from an archive file name: `commons-lang3-3.12.0.jar` → commons-lang3, 3.12.0. The version
 * starts at the last `-<digit>`, so `log4j-1.2-api-2.17.1.jar` is log4j-1.2-api 2.17.1 and `guava-31.1-jre.jar`
 * is guava 31.1-jre. A name with no such part has version null.
 */
export function nameFromFileName(path: string): { name: string; version: string | null } {
  const stem = (path.split('/').pop() ?? path).replace(archiveRe, '');
  const m = /^(.*[^-])-(\d[^-]*(?:-(?!\d)[^-]*)*)$/.exec(stem);
  if (m && m[1] && m[2]) return { name: m[1], version: m[2] };
  return { name: stem, version: null };
}

/** Reverse-domain identifiers (`org.apache.commons`): what a groupId guess must look like. */
const dottedIdRe = /^[a-z][a-z0-9_-]*(\.[a-zA-Z0-9_-]+)+$/;

/**
 * A careful groupId guess from manifest attributes, for archives without pom.properties; null when unsure.
 * `Implementation-Vendor-Id` (written by Maven's archiver) and a Jenkins plugin's `Group-Id` are the groupId. Otherwise an OSGi `Bundle-SymbolicName`
 * (or `Automatic-Module-Name`) of the form `<groupId>.<artifactId>` counts only when its last part spells the
 * artifact's name, e.g. `org.example.widget` for widget.
 */
export function guessGroupId(manifest: Record<string, string>, name: string): { groupId: string; from: string } | null {
  for (const attr of ['Implementation-Vendor-Id', 'Group-Id']) {
    const id = manifest[attr]?.trim();
    if (id && dottedIdRe.test(id)) return { groupId: id, from: attr };
  }
  for (const attr of ['Bundle-SymbolicName', 'Automatic-Module-Name']) {
    const id = manifest[attr]?.split(';')[0]?.trim();
    if (!id || !dottedIdRe.test(id)) continue;
    const dot = id.lastIndexOf('.');
    const last = id.slice(dot + 1).toLowerCase();
    if (last === name.toLowerCase().replace(/[-_.]/g, '')) return { groupId: id.slice(0, dot), from: attr };
    // `org.example.widget-core` style: the full artifact name as the last part.
    if (id.toLowerCase().endsWith(`.${name.toLowerCase()}`)) return { groupId: id.slice(0, id.length - name.length - 1), from: attr };
  }
  return null;
}

/**
 * The purl `pkg:maven/<groupId>/<artifactId>@<version>`. purl-spec requires a namespace for Maven, and
 * packageurl-js enforces it; when the groupId is unknown the purl is written without one (`pkg:maven/<name>@<v>`,
 * encoded the same way) so that the package still has an identifier, and the package's metadata says so.
 */
export function mavenPurl(groupId: string | null, artifactId: string, version: string): string {
  if (groupId) return makePurl({ type: 'maven', namespace: groupId, name: artifactId, version });
  return makePurl({ type: 'generic', name: artifactId, version }).replace(/^pkg:generic\//, 'pkg:maven/');
}

/** Licence URLs that POMs and `Bundle-License` often give instead of a name, to their SPDX ids. */
const licenseUrls: [RegExp, string][] = [
  [/apache\.org\/licenses\/LICENSE-2\.0/i, 'Apache-2.0'],
  [/opensource\.org\/licenses\/(mit|MIT-license)/i, 'MIT'],
  [/opensource\.org\/licenses\/(bsd-license|BSD-2-Clause)/i, 'BSD-2-Clause'],
  [/opensource\.org\/licenses\/BSD-3-Clause/i, 'BSD-3-Clause'],
  [/eclipse\.org\/legal\/epl-2\.0/i, 'EPL-2.0'],
  [/eclipse\.org\/legal\/epl-v10/i, 'EPL-1.0'],
  [/gnu\.org\/licenses\/lgpl-2\.1/i, 'LGPL-2.1-only'],
  [/gnu\.org\/licenses\/old-licenses\/lgpl-2\.1/i, 'LGPL-2.1-only'],
  [/gnu\.org\/licenses\/gpl-2\.0/i, 'GPL-2.0-only'],
];

/** A declared licence with a well-known licence URL replaced by its SPDX id; anything else as given. */
export function licenseFromUrl(declared: string): string {
  if (!/^https?:\/\//i.test(declared.trim())) return declared;
  return licenseUrls.find(([re]) => re.test(declared))?.[1] ?? declared;
}
