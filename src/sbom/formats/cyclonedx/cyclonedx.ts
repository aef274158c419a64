// CycloneDX 1.6 JSON: the image as the root component, one component per package, locations as evidence, the graph.
import { randomUUID } from 'node:crypto';
import type { OsRelease } from '../../../core/model.ts';
import type { Package } from '../../../core/package.ts';
import type { Sbom } from '../../../core/sbom.ts';
import type { SbomFormat } from '../format.ts';
import { packageHashes } from '../hashes.ts';
import { imageIdentity } from '../image-identity.ts';
import { imageProperties, type NamedValue } from '../image-properties.ts';
import { readLicense } from '../licenses.ts';
import { parsePerson } from '../people.ts';

/** A CycloneDX component, as far as Sextant fills it in. */
export interface CdxComponent {
  type: 'container' | 'library' | 'operating-system' | 'application';
  'bom-ref': string;
  group?: string;
  name: string;
  version?: string;
  description?: string;
  authors?: { name?: string; email?: string }[];
  licenses?: ({ license: { id: string } | { name: string } } | { expression: string })[];
  hashes?: { alg: string; content: string }[];
  purl?: string;
  evidence?: { occurrences: { location: string }[] };
  properties?: NamedValue[];
}

/** A CycloneDX 1.6 BOM, as far as Sextant fills it in. */
export interface CdxBom {
  $schema: string;
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: number;
  metadata: {
    timestamp: string;
    lifecycles: { phase: string }[];
    tools: { components: CdxComponent[] };
    component: CdxComponent;
  };
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

/** purl types whose namespace CycloneDX calls the group: Maven groupId, npm scope, Composer vendor, Go module path. */
const GROUPED = new Set(['maven', 'npm', 'composer', 'golang']);

/** Build the CycloneDX BOM for an SBOM (exported for tests and for callers that want the object). */
export function toCycloneDx(sbom: Sbom): CdxBom {
  const id = imageIdentity(sbom.image);
  const rootRef = id.purl ?? `sextant:image:${sbom.image.id ?? sbom.image.reference}`;
  const root: CdxComponent = {
    type: 'container',
    'bom-ref': rootRef,
    name: id.name,
    ...(id.version ? { version: id.version } : {}),
    ...(id.purl ? { purl: id.purl } : {}),
    properties: imageProperties(sbom.image),
  };
  const distro = sbom.distro ? distroComponent(sbom.distro) : null;
  const components = [...(distro ? [distro] : []), ...sbom.packages.map(packageComponent)];

  // Each package's edges, by purl (which is its bom-ref); only edges between components in this BOM.
  const refs = new Set(sbom.packages.map((p) => p.purl));
  const edges = new Map<string, string[]>();
  const hasParent = new Set<string>();
  for (const r of sbom.relationships) {
    if (!refs.has(r.from) || !refs.has(r.to) || r.from === r.to) continue;
    const list = edges.get(r.from) ?? [];
    if (!list.includes(r.to)) list.push(r.to);
    edges.set(r.from, list);
    hasParent.add(r.to);
  }
  // The image depends on what the application asked for by name; where nobody could tell, on every package
  // that no other package depends on (the top of the graph), so each component is reachable from the root.
  const top = sbom.packages.filter((p) => p.direct === true || (p.direct === null && !hasParent.has(p.purl))).map((p) => p.purl);
  const dependencies = [
    { ref: rootRef, dependsOn: [...(distro ? [distro['bom-ref']] : []), ...top] },
    // Only packages with known edges get an entry: an entry with no dependsOn would claim "depends on nothing".
    ...[...edges].map(([ref, dependsOn]) => ({ ref, dependsOn })),
  ];

  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: sbom.generatedAt,
      // Sextant reads a built image, so the BOM describes it after its build.
      lifecycles: [{ phase: 'post-build' }],
      tools: { components: [{ type: 'application', 'bom-ref': `sextant@${sbom.tool.version}`, name: sbom.tool.name, version: sbom.tool.version }] },
      component: root,
    },
    components,
    dependencies,
  };
}

/** The distribution from os-release as an `operating-system` component. */
function distroComponent(os: OsRelease): CdxComponent {
  const name = os.id ?? os.name ?? 'unknown';
  return {
    type: 'operating-system',
    'bom-ref': `sextant:distro:${name}${os.versionId ? `@${os.versionId}` : ''}`,
    name,
    ...(os.versionId ? { version: os.versionId } : {}),
    ...(os.prettyName ? { description: os.prettyName } : {}),
    properties: [
      ...(os.versionCodename ? [{ name: 'sextant:distro:codename', value: os.versionCodename }] : []),
      ...os.idLike.map((like) => ({ name: 'sextant:distro:idLike', value: like })),
      { name: 'sextant:distro:path', value: os.path },
    ],
  };
}

/** One package as a `library` component whose bom-ref is its purl (purls are unique in an assembled SBOM). */
function packageComponent(p: Package): CdxComponent {
  const authors = p.authors.map(parsePerson).map((a) => ({ ...(a.name ? { name: a.name } : {}), ...(a.email ? { email: a.email } : {}) }));
  const licenses = cdxLicenses(p.licenses);
  const hashes = packageHashes(p).map((h) => ({ alg: h.algorithm, content: h.hex }));
  const properties: NamedValue[] = [{ name: 'sextant:foundBy', value: p.foundBy }];
  if (p.direct !== null) properties.push({ name: 'sextant:direct', value: String(p.direct) });
  if (p.arch) properties.push({ name: 'sextant:arch', value: p.arch });
  if (p.size !== null) properties.push({ name: 'sextant:size', value: String(p.size) });
  if (p.source) properties.push({ name: 'sextant:source:name', value: p.source.name }, { name: 'sextant:source:version', value: p.source.version });
  // CycloneDX occurrences have no field for the layer, so each location's path and layer are numbered properties.
  p.locations.forEach((loc, i) => {
    properties.push({ name: `sextant:location:${i}:path`, value: loc.path });
    if (loc.layerDigest) properties.push({ name: `sextant:location:${i}:layerDigest`, value: loc.layerDigest });
  });
  return {
    type: 'library',
    'bom-ref': p.purl,
    ...(p.namespace && GROUPED.has(p.type) ? { group: p.namespace } : {}),
    name: p.name,
    ...(p.version ? { version: p.version } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(authors.length ? { authors } : {}),
    ...(licenses.length ? { licenses } : {}),
    ...(hashes.length ? { hashes } : {}),
    purl: p.purl,
    ...(p.locations.length ? { evidence: { occurrences: p.locations.map((l) => ({ location: l.path })) } } : {}),
    properties,
  };
}

/** CycloneDX licences: a listed id as `license.id`, any other expression as `expression`, unknown left out. */
function cdxLicenses(value: string): NonNullable<CdxComponent['licenses']> {
  const info = readLicense(value);
  switch (info.kind) {
    case 'id':
      return [{ license: { id: info.id } }];
    case 'expression':
      return [{ expression: info.expression }];
    case 'text':
      return [{ license: { name: info.text } }];
    default:
      return [];
  }
}

/** The `cyclonedx` format. */
export const cyclonedxFormat = {
  name: 'cyclonedx',
  description: 'CycloneDX 1.6 JSON',
  mediaType: 'application/vnd.cyclonedx+json; version=1.6',
  render: (sbom) => `${JSON.stringify(toCycloneDx(sbom), null, 2)}\n`,
} satisfies SbomFormat;
