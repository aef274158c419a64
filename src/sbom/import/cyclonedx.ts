// Reading a CycloneDX JSON SBOM (any 1.x) back into packages, for `sbom://` inputs.
import type { Location, Package } from '../../core/package.ts';
import { normalizeLicenses } from '../../catalog/licenses.ts';
import type { ImportedSbom } from './imported.ts';
import { packageFromPurl } from './package-from-purl.ts';

type Json = Record<string, unknown>;

/** True when `doc` looks like a CycloneDX JSON document. */
export function isCycloneDx(doc: Json): boolean {
  return doc.bomFormat === 'CycloneDX';
}

/** Packages (components with a purl, nested ones included) and the subject of a CycloneDX document. */
export function readCycloneDx(doc: Json): ImportedSbom {
  const packages: Package[] = [];
  const visit = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as Json[]) {
      const pkg = componentPackage(c);
      if (pkg) packages.push(pkg);
      visit(c.components);
    }
  };
  visit(doc.components);
  const subject = ((doc.metadata as Json | undefined)?.component ?? null) as Json | null;
  const os = (Array.isArray(doc.components) ? (doc.components as Json[]) : []).find((c) => c.type === 'operating-system');
  return {
    format: `CycloneDX ${typeof doc.specVersion === 'string' ? doc.specVersion : ''}`.trim(),
    subject: subject ? { name: str(subject.name), version: str(subject.version) } : null,
    distro: os ? { id: str(os.name), versionId: str(os.version) } : null,
    packages,
  };
}

function componentPackage(c: Json): Package | null {
  if (typeof c.purl !== 'string') return null;
  const props = Array.isArray(c.properties) ? (c.properties as Json[]) : [];
  const prop = (name: string) => props.filter((p) => p.name === name).map((p) => str(p.value)).filter((v): v is string => v !== null);
  const layers = [...prop('sextant:layerDigest'), ...prop('syft:location:0:layerID'), ...prop('aquasecurity:trivy:LayerDiffID')];
  const occurrences = ((c.evidence as Json | undefined)?.occurrences ?? []) as Json[];
  const locations: Location[] = occurrences
    .map((o, i) => ({ path: str(o.location) ?? '', layerDigest: layers[i] ?? layers[0] ?? null }))
    .filter((l) => l.path !== '');
  return packageFromPurl({
    purl: c.purl,
    authors: authorsOf(c),
    description: str(c.description),
    licenses: licensesOf(c.licenses),
    locations,
    foundBy: 'sbom-cyclonedx',
  });
}

function authorsOf(c: Json): string[] {
  const out: string[] = [];
  if (typeof c.author === 'string') out.push(c.author);
  if (Array.isArray(c.authors)) for (const a of c.authors as Json[]) if (typeof a.name === 'string') out.push(a.email ? `${a.name} <${String(a.email)}>` : a.name);
  return out;
}

function licensesOf(licenses: unknown): string {
  if (!Array.isArray(licenses)) return 'NOASSERTION';
  const declared: string[] = [];
  for (const l of licenses as Json[]) {
    if (typeof l.expression === 'string') declared.push(l.expression);
    const lic = l.license as Json | undefined;
    if (lic) declared.push(str(lic.id) ?? str(lic.name) ?? '');
  }
  return normalizeLicenses(declared);
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
