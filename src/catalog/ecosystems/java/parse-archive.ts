// Java archives (jar, war, ear, Jenkins and other zip-based kinds): the archive's own package, the dependencies
// shaded into it, and every archive nested inside it (WEB-INF/lib, BOOT-INF/lib, ear modules), recursively.
import { createHash } from 'node:crypto';
import type { Package } from '../../../core/package.ts';
import { isSextantError } from '../../../core/errors.ts';
import type { ParseContext } from '../../cataloger.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { archiveKind, guessGroupId, isArchiveName, licenseFromUrl, mavenPurl, nameFromFileName } from './java-package.ts';
import { parseManifest } from './parse-manifest.ts';
import { parsePomProperties } from './parse-pom-properties.ts';
import type { PomProperties } from './parse-pom-properties.ts';
import { parsePomXml } from './parse-pom-xml.ts';
import type { PomProject } from './parse-pom-xml.ts';
import { readZip } from './zip.ts';
import type { ZipBudget } from './zip.ts';
import { buildPackage } from '../../package-builder.ts';
import { compareText } from '../../../core/compare-text.ts';

/** How deep archives inside archives are opened: an ear's war's jar's jar is level 3. */
export const MAX_NESTING_DEPTH = 4;
/** Most uncompressed bytes read out of one outer archive and everything nested in it. */
export const MAX_ARCHIVE_TREE_BYTES = 512 * 2 ** 20;

/** Manifest attributes kept in metadata: identity, vendor, and what kind of application the archive is. */
const KEPT_MANIFEST = [
  'Implementation-Title',
  'Implementation-Version',
  'Implementation-Vendor',
  'Implementation-Vendor-Id',
  'Specification-Title',
  'Specification-Version',
  'Specification-Vendor',
  'Bundle-SymbolicName',
  'Bundle-Version',
  'Bundle-Name',
  'Bundle-Vendor',
  'Bundle-License',
  'Automatic-Module-Name',
  'Short-Name',
  'Group-Id',
  'Plugin-Version',
  'Main-Class',
  'Start-Class',
  'Spring-Boot-Version',
  'Created-By',
  'Build-Jdk-Spec',
];

const POM_RE = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.(properties|xml)$/;
const MANIFEST = 'META-INF/MANIFEST.MF';

/** Options for tests: smaller limits than the defaults. */
export interface ArchiveLimits {
  maxDepth?: number;
  maxTreeBytes?: number;
}

/**
 * Packages in one Java archive's bytes. Identity comes from `META-INF/maven/<g>/<a>/pom.properties` (with the
 * pom.xml beside it for name, description, licences and authors); when several are embedded, the one whose
 * artifactId the file name starts with is the archive itself and the others are shaded dependencies (direct:
 * false). Without pom.properties, MANIFEST.MF gives the version and the file name the name
 * (`commons-lang3-3.12.0.jar`). Every archive's package carries the SHA-1 of its bytes and its `virtualPath`
 * (`/app.war!/WEB-INF/lib/a.jar`); all locations are the outer file's. An unreadable or oversized archive yields
 * nothing rather than failing the catalogue; nested problems are listed, one line each, in the containing
 * archive's `metadata.skipped`.
 */
export function parseJavaArchive(content: Buffer, ctx: ParseContext, limits: ArchiveLimits = {}): Package[] {
  const reader: TreeReader = {
    ctx,
    budget: { remainingBytes: limits.maxTreeBytes ?? MAX_ARCHIVE_TREE_BYTES },
    maxDepth: limits.maxDepth ?? MAX_NESTING_DEPTH,
    out: [],
  };
  try {
    readArchive(reader, content, ctx.location.path, 0);
  } catch (err) {
    // One bad archive in an image must not cost the rest of the SBOM; a nested one is reported by its parent.
    if (isSextantError(err, 'CORRUPT') || isSextantError(err, 'LIMIT_EXCEEDED')) return [];
    throw err;
  }
  return reader.out;
}

interface TreeReader {
  ctx: ParseContext;
  budget: ZipBudget;
  maxDepth: number;
  out: Package[];
}

interface EmbeddedPom {
  dir: string;
  props: PomProperties;
  project: PomProject | null;
}

/** Reads one archive level; returns its own package (for the parent's dependsOn), or null when it has none. */
function readArchive(reader: TreeReader, bytes: Uint8Array, virtualPath: string, depth: number): Package | null {
  // Archives below the depth limit are only counted, never inflated.
  const deepest = depth >= reader.maxDepth;
  let tooDeep = 0;
  const { files, skipped } = readZip(
    bytes,
    (name) => {
      if (name === MANIFEST || POM_RE.test(name)) return true;
      if (!isArchiveName(name)) return false;
      if (deepest) tooDeep++;
      return !deepest;
    },
    reader.budget,
    virtualPath,
  );
  const skips = skipped.map((s) => `${s.reason.split(':')[0]}: ${virtualPath}!/${s.name}:${s.reason.slice(s.reason.indexOf(':') + 1)}`);
  const decoder = new TextDecoder();
  const manifestBytes = files.get(MANIFEST);
  const manifest = manifestBytes ? parseManifest(decoder.decode(manifestBytes)) : {};

  const poms: EmbeddedPom[] = [];
  for (const [name, data] of [...files].sort(([a], [b]) => compareText(a, b))) {
    const m = POM_RE.exec(name);
    if (!m || m[3] !== 'properties') continue;
    const props = parsePomProperties(decoder.decode(data), { groupId: m[1], artifactId: m[2] });
    if (!props) continue;
    const xml = files.get(name.replace(/properties$/, 'xml'));
    poms.push({ dir: name.slice(0, name.lastIndexOf('/')), props, project: xml ? parsePomXml(decoder.decode(xml)) : null });
  }

  const fileName = virtualPath.slice(virtualPath.lastIndexOf('/') + 1);
  const fromName = nameFromFileName(fileName);
  const self = pickSelf(poms, fromName, manifest);
  const { ctx } = reader;
  const own = self ? fromPom(self, manifest, fromName.version, ctx) : fromManifest(manifest, fromName, ctx);
  const shaded = poms
    .filter((p) => p !== self)
    .map((p) => fromPom(p, {}, null, ctx))
    .filter((p): p is Package => p !== null);

  const dependsOn: string[] = [];
  for (const p of shaded) {
    p.direct = false;
    p.metadata['shadedIn'] = virtualPath;
    dependsOn.push(ref(p));
  }
  if (own) {
    own.size = bytes.length;
    own.metadata = {
      ...own.metadata,
      archiveKind: archiveKind(fileName),
      virtualPath,
      sha1: createHash('sha1').update(bytes).digest('hex'),
      ...(Object.keys(manifest).length ? { manifest: pick(manifest, KEPT_MANIFEST) } : {}),
    };
    own.dependsOn = dependsOn;
    reader.out.push(own);
  }
  reader.out.push(...shaded);

  if (tooDeep > 0) skips.push(`LIMIT_EXCEEDED: ${virtualPath}: ${tooDeep} archive(s) nested deeper than ${reader.maxDepth} levels not opened`);
  for (const name of [...files.keys()].filter((n) => isArchiveName(n)).sort()) {
    const data = files.get(name) as Uint8Array;
    // Let the nested bytes go as soon as they are read; siblings are still held by `files`.
    files.delete(name);
    try {
      const child = readArchive(reader, data, `${virtualPath}!/${name}`, depth + 1);
      if (child) dependsOn.push(ref(child));
    } catch (err) {
      if (!isSextantError(err, 'CORRUPT') && !isSextantError(err, 'LIMIT_EXCEEDED')) throw err;
      skips.push(`${err.code}: ${err.message}`);
    }
  }
  if (own && skips.length) own.metadata['skipped'] = skips;
  return own;
}

/**
 * Which embedded pom.properties is the archive itself: the one whose artifactId the file name spells (longest
 * wins: `foo-core-1.0.jar` is foo-core, not foo), else the only one, else one named by the manifest's
 * Implementation-Title, Bundle-SymbolicName or Automatic-Module-Name. Null leaves them all as shaded.
 */
function pickSelf(poms: EmbeddedPom[], fromName: { name: string; version: string | null }, manifest: Record<string, string>): EmbeddedPom | null {
  const stem = fromName.version ? `${fromName.name}-${fromName.version}` : fromName.name;
  const named = poms
    .filter((p) => stem === p.props.artifactId || stem.startsWith(`${p.props.artifactId}-`))
    .sort((a, b) => b.props.artifactId.length - a.props.artifactId.length || Number(b.props.version === fromName.version) - Number(a.props.version === fromName.version));
  if (named[0]) return named[0];
  if (poms.length === 1) return poms[0] as EmbeddedPom;
  const ids = ['Implementation-Title', 'Bundle-SymbolicName', 'Automatic-Module-Name'].map((k) => manifest[k]?.split(';')[0]?.trim()).filter(Boolean);
  return poms.find((p) => ids.some((id) => id === p.props.artifactId || id === `${p.props.groupId}.${p.props.artifactId}`)) ?? null;
}

function fromPom(pom: EmbeddedPom, manifest: Record<string, string>, nameVersion: string | null, ctx: ParseContext): Package | null {
  const { props, project } = pom;
  const version = props.version || project?.version || project?.parent?.version || manifestVersion(manifest) || nameVersion;
  if (!version) return null;
  return make(ctx, {
    groupId: props.groupId,
    artifactId: props.artifactId,
    version,
    description: project?.description ?? null,
    licenses: project?.licenses.length ? project.licenses : manifestLicenses(manifest),
    authors: project?.developers ?? [],
    metadata: {
      identifiedBy: 'pom.properties',
      pomProperties: { path: `${pom.dir}/pom.properties`, groupId: props.groupId, artifactId: props.artifactId, version: props.version },
      ...(project
        ? { pomProject: { name: project.name, url: project.url, organization: project.organization, parent: project.parent } }
        : {}),
    },
  });
}

/** The archive's package from its manifest, named by the file name; null without any version. */
function fromManifest(manifest: Record<string, string>, fromName: { name: string; version: string | null }, ctx: ParseContext): Package | null {
  const version = manifestVersion(manifest) ?? fromName.version;
  const name =
    fromName.name ||
    manifest['Bundle-SymbolicName']?.split(';')[0]?.trim() ||
    manifest['Implementation-Title'] ||
    manifest['Specification-Title'];
  if (!version || !name) return null;
  const guess = guessGroupId(manifest, name);
  return make(ctx, {
    groupId: guess?.groupId ?? null,
    artifactId: name,
    version,
    description: manifest['Bundle-Description'] || null,
    licenses: manifestLicenses(manifest),
    authors: [],
    metadata: {
      identifiedBy: manifestVersion(manifest) ? 'manifest' : 'file-name',
      ...(guess ? { groupIdFrom: `manifest ${guess.from}` } : { groupIdUnknown: true }),
    },
  });
}

function manifestVersion(manifest: Record<string, string>): string | null {
  // Plugin-Version: Jenkins plugins (`plugins/git.jpi` carries no version in its name).
  return manifest['Implementation-Version'] || manifest['Bundle-Version'] || manifest['Plugin-Version'] || manifest['Specification-Version'] || null;
}

function manifestLicenses(manifest: Record<string, string>): string[] {
  // Bundle-License is a comma-separated list of names or URLs, each maybe with `;link=…` or `;description=…`.
  const v = manifest['Bundle-License'];
  return v ? v.split(',').map((l) => (l.split(';')[0] ?? '').trim().replace(/^"|"$/g, '')).filter(Boolean) : [];
}

interface Fields {
  groupId: string | null;
  artifactId: string;
  version: string;
  description: string | null;
  licenses: string[];
  authors: string[];
  metadata: Record<string, unknown>;
}

function make(ctx: ParseContext, f: Fields): Package {
  return buildPackage(
    {
      type: 'maven',
      namespace: f.groupId,
      name: f.artifactId,
      version: f.version,
      purl: mavenPurl(f.groupId, f.artifactId, f.version),
      authors: f.authors,
      description: f.description,
      licenses: normalizeLicenses(f.licenses.map(licenseFromUrl)),
      metadata: f.metadata,
    },
    ctx,
  );
}

/** How a package is named in another's dependsOn: `groupId/artifactId`, as the SBOM assembler keys Maven names. */
function ref(p: Package): string {
  return p.namespace ? `${p.namespace}/${p.name}` : p.name;
}

function pick(record: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => record[k]).map((k) => [k, record[k] as string]));
}
