// Reading an SPDX 2.x JSON SBOM (bare, or the predicate of an in-toto statement) back into packages.
import type { Package } from '../../core/package.ts';
import { normalizeLicenses } from '../../catalog/licenses.ts';
import type { ImportedSbom } from './imported.ts';
import { packageFromPurl } from './package-from-purl.ts';

type Json = Record<string, unknown>;

/** True when `doc` looks like an SPDX 2.x JSON document. */
export function isSpdx(doc: Json): boolean {
  return typeof doc.spdxVersion === 'string' && doc.spdxVersion.startsWith('SPDX-');
}

/** Packages with a purl external reference, and the described subject, of an SPDX document. */
export function readSpdx(doc: Json): ImportedSbom {
  const all = Array.isArray(doc.packages) ? (doc.packages as Json[]) : [];
  const describedIds = new Set<string>(Array.isArray(doc.documentDescribes) ? (doc.documentDescribes as string[]) : []);
  for (const r of Array.isArray(doc.relationships) ? (doc.relationships as Json[]) : []) {
    if (r.relationshipType === 'DESCRIBES' && r.spdxElementId === 'SPDXRef-DOCUMENT' && typeof r.relatedSpdxElement === 'string') describedIds.add(r.relatedSpdxElement);
  }
  const described = all.find((p) => describedIds.has(String(p.SPDXID)));
  const packages: Package[] = [];
  for (const p of all) {
    if (p === described) continue;
    const pkg = spdxPackage(p);
    if (pkg) packages.push(pkg);
  }
  return {
    format: String(doc.spdxVersion),
    subject: described ? { name: str(described.name), version: str(described.versionInfo) } : null,
    distro: null,
    packages,
  };
}

function spdxPackage(p: Json): Package | null {
  const refs = Array.isArray(p.externalRefs) ? (p.externalRefs as Json[]) : [];
  const purl = refs.find((r) => r.referenceType === 'purl' && typeof r.referenceLocator === 'string')?.referenceLocator;
  if (typeof purl !== 'string') return null;
  const people = [p.originator, p.supplier]
    .map((v) => str(v))
    .filter((v): v is string => v !== null && v !== 'NOASSERTION')
    .map((v) => v.replace(/^(Person|Organization):\s*/, ''));
  return packageFromPurl({
    purl,
    authors: [...new Set(people)],
    description: str(p.description) ?? str(p.summary),
    licenses: normalizeLicenses([str(p.licenseDeclared), str(p.licenseConcluded)].filter((l) => l !== 'NOASSERTION' && l !== 'NONE').slice(0, 1)),
    foundBy: 'sbom-spdx',
  });
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
