// SPDX 2.3 JSON: the image as a CONTAINER package that CONTAINS every package, with DEPENDS_ON edges between them.
import { createHash, randomUUID } from 'node:crypto';
import type { OsRelease } from '../../../core/model.ts';
import type { Package } from '../../../core/package.ts';
import type { Sbom } from '../../../core/sbom.ts';
import type { SbomFormat } from '../format.ts';
import { packageHashes } from '../hashes.ts';
import { imageIdentity } from '../image-identity.ts';
import { imageProperties } from '../image-properties.ts';
import { readLicense } from '../licenses.ts';
import { looksLikeOrganization, parsePerson } from '../people.ts';

/** An SPDX 2.3 package, as far as Sextant fills it in. */
export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier?: string;
  originator?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: { algorithm: string; checksumValue: string }[];
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  summary?: string;
  description?: string;
  comment?: string;
  sourceInfo?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  primaryPackagePurpose?: string;
  annotations?: { annotationDate: string; annotationType: 'OTHER'; annotator: string; comment: string }[];
}

/** An SPDX 2.3 document, as far as Sextant fills it in. */
export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
  hasExtractedLicensingInfos?: { licenseId: string; name: string; extractedText: string; comment?: string }[];
}

/** Where documentNamespace URIs live: unique per document, never dereferenced (SPDX 2.3 §6.5). */
const NAMESPACE_BASE = 'https://sextant.dev/spdx';
const NOASSERTION = 'NOASSERTION';

/** The fields SPDX requires of a package that Sextant makes no claim about (the image, the distro). */
const UNASSERTED = {
  supplier: NOASSERTION,
  downloadLocation: NOASSERTION,
  filesAnalyzed: false,
  licenseConcluded: NOASSERTION,
  licenseDeclared: NOASSERTION,
  copyrightText: NOASSERTION,
} as const;
const OS_TYPES = new Set(['deb', 'rpm', 'apk']);

/** Build the SPDX document for an SBOM (exported for tests and for callers that want the object). */
export function toSpdx(sbom: Sbom): SpdxDocument {
  const id = imageIdentity(sbom.image);
  const created = spdxDate(sbom.generatedAt);
  const tool = `Tool: ${sbom.tool.name}-${sbom.tool.version}`;
  const extracted = new Map<string, { licenseId: string; name: string; extractedText: string; comment?: string }>();

  const image: SpdxPackage = {
    SPDXID: 'SPDXRef-Image',
    name: id.name,
    ...(id.version ? { versionInfo: id.version } : {}),
    ...UNASSERTED,
    ...(id.purl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: id.purl }] } : {}),
    primaryPackagePurpose: 'CONTAINER',
    // SPDX 2.3 has no free-form properties; annotations carry the same `sextant:image:*` pairs as CycloneDX's.
    annotations: imageProperties(sbom.image).map((p) => ({ annotationDate: created, annotationType: 'OTHER', annotator: tool, comment: `${p.name}=${p.value}` })),
  };
  const distro = sbom.distro ? distroPackage(sbom.distro) : null;
  const ids = new Set<string>([image.SPDXID, ...(distro ? [distro.SPDXID] : [])]);
  const byPurl = new Map<string, string>();
  const packages = sbom.packages.map((p) => {
    const spdxId = uniqueId(packageId(p), ids);
    byPurl.set(p.purl, spdxId);
    return spdxPackage(p, spdxId, extracted);
  });

  const relationships: SpdxDocument['relationships'] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image.SPDXID },
    ...(distro ? [{ spdxElementId: image.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: distro.SPDXID }] : []),
    ...packages.map((p) => ({ spdxElementId: image.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID })),
  ];
  const seen = new Set<string>();
  for (const r of sbom.relationships) {
    const from = byPurl.get(r.from);
    const to = byPurl.get(r.to);
    if (!from || !to || from === to || seen.has(`${from} ${to}`)) continue;
    seen.add(`${from} ${to}`);
    relationships.push({ spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: to });
  }

  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: id.version && !id.name.endsWith(id.version) ? `${id.name}:${id.version}` : id.name,
    documentNamespace: `${NAMESPACE_BASE}/${slug(id.name)}-${randomUUID()}`,
    creationInfo: { created, creators: [tool] },
    packages: [image, ...(distro ? [distro] : []), ...packages],
    relationships,
    ...(extracted.size ? { hasExtractedLicensingInfos: [...extracted.values()] } : {}),
  };
}

/** One package. Licences are declared, never concluded: Sextant reads what packages say, it does not audit files. */
function spdxPackage(p: Package, spdxId: string, extracted: Map<string, { licenseId: string; name: string; extractedText: string; comment?: string }>): SpdxPackage {
  const declared = declaredLicense(p.licenses, extracted);
  // For OS packages the named person is the distribution's maintainer, who supplies the package; for language
  // packages it is the author, who originated it.
  const agent = p.authors[0] ? spdxAgent(p.authors[0]) : null;
  const checksums = packageHashes(p).map((h) => ({ algorithm: h.algorithm.replace('-', ''), checksumValue: h.hex }));
  const description = p.description?.trim() || null;
  const summary = description?.split('\n')[0]?.trim() || null;
  const where = p.locations.map((l) => (l.layerDigest ? `${l.path} (layer ${l.layerDigest})` : l.path));
  const sourceInfo = [
    `found by ${p.foundBy}${where.length ? ` in ${where.join(', ')}` : ''}`,
    ...(p.source ? [`built from source package ${p.source.name} ${p.source.version}`] : []),
  ].join('; ');
  const comment = [
    ...(p.direct === true ? ['direct dependency'] : p.direct === false ? ['transitive dependency'] : []),
    ...(p.arch ? [`arch ${p.arch}`] : []),
    ...(p.size !== null ? [`installed size ${p.size} bytes`] : []),
  ].join('; ');
  return {
    SPDXID: spdxId,
    name: p.namespace && p.type !== 'deb' && p.type !== 'rpm' && p.type !== 'apk' ? `${p.namespace}/${p.name}` : p.name,
    ...(p.version ? { versionInfo: p.version } : {}),
    supplier: OS_TYPES.has(p.type) && agent ? agent : NOASSERTION,
    ...(!OS_TYPES.has(p.type) && agent ? { originator: agent } : {}),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(checksums.length ? { checksums } : {}),
    licenseConcluded: NOASSERTION,
    licenseDeclared: declared,
    copyrightText: NOASSERTION,
    ...(summary && summary !== description ? { summary } : {}),
    ...(description ? { description } : {}),
    ...(comment ? { comment } : {}),
    sourceInfo,
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
  };
}

/** The distribution from os-release as an OPERATING_SYSTEM package. */
function distroPackage(os: OsRelease): SpdxPackage {
  const name = os.id ?? os.name ?? 'unknown';
  return {
    SPDXID: `SPDXRef-OperatingSystem-${idPart(name)}`,
    name,
    ...(os.versionId ? { versionInfo: os.versionId } : {}),
    ...UNASSERTED,
    ...(os.prettyName ? { description: os.prettyName } : {}),
    sourceInfo: `read from ${os.path}`,
    primaryPackagePurpose: 'OPERATING_SYSTEM',
  };
}

/**
 * `licenseDeclared` from the package's licence. `LicenseRef-` ids must be declared in the document with their
 * text; Sextant keeps the id, not the text it was made from, so the extracted text says so. Text that is no SPDX
 * expression becomes a LicenseRef of its own, with the text itself as the extracted text.
 */
function declaredLicense(value: string, extracted: Map<string, { licenseId: string; name: string; extractedText: string; comment?: string }>): string {
  const info = readLicense(value);
  switch (info.kind) {
    case 'unknown':
      return NOASSERTION;
    case 'none':
      return 'NONE';
    case 'id':
      return info.id;
    case 'expression':
      for (const ref of info.refs) {
        if (extracted.has(ref)) continue;
        const name = ref.slice('LicenseRef-'.length);
        extracted.set(ref, {
          licenseId: ref,
          name,
          extractedText: `The package declares the licence "${name.replace(/-/g, ' ')}", which is not on the SPDX License List.`,
          comment: 'Named by Sextant from the package metadata; the licence text was not extracted.',
        });
      }
      return info.expression;
    case 'text': {
      const ref = `LicenseRef-${idPart(info.text).slice(0, 64) || 'unknown'}-${shortHash(info.text, 8)}`;
      if (!extracted.has(ref)) extracted.set(ref, { licenseId: ref, name: info.text, extractedText: info.text });
      return ref;
    }
  }
}

/** `Person: Name (email)` or `Organization: Name (email)`, SPDX's agent syntax. */
function spdxAgent(text: string): string | null {
  const person = parsePerson(text);
  const name = person.name ?? person.email;
  if (!name) return null;
  const kind = looksLikeOrganization(name) ? 'Organization' : 'Person';
  return `${kind}: ${name}${person.email ? ` (${person.email})` : ''}`;
}

/** `SPDXRef-Package-<type>-<name>-<hash of the purl>`: readable, and unique because purls are. */
function packageId(p: Package): string {
  return `SPDXRef-Package-${p.type}-${idPart(p.name)}-${shortHash(p.purl, 16)}`;
}

/** Should two purls share a 16-hex prefix, the second id gets a counter rather than collide. */
function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** SPDX ids allow only letters, digits, `.` and `-`. */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
}

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Lower-case letters, digits, `.`, `_` and `-`, for a readable namespace URI. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'image';
}

/** SPDX dates are `YYYY-MM-DDThh:mm:ssZ`: UTC, no fractional seconds. */
function spdxDate(iso: string): string {
  const d = new Date(iso);
  return (Number.isNaN(d.getTime()) ? new Date() : d).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The `spdx` format. */
export const spdxFormat = {
  name: 'spdx',
  description: 'SPDX 2.3 JSON',
  mediaType: 'application/spdx+json',
  render: (sbom) => `${JSON.stringify(toSpdx(sbom), null, 2)}\n`,
} satisfies SbomFormat;
