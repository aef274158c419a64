// The request of a local analysis (`cves --server`, `quickview --server`): package URLs and layer diffIDs, and
// nothing else of the image (no paths, names, environment, labels or history), as docs/cli.md documents it.
import { PackageURL } from 'packageurl-js';
import type { Package } from '../core/package.ts';
import type { Sbom } from '../core/sbom.ts';
import type { Finding } from '../match/matcher.ts';
import type { LocalAnalysisPayload } from './model.ts';

/** The local-analysis payload of an SBOM: its layers base first, and each package's purl with the layers that brought it. */
export function localAnalysisPayload(sbom: Sbom): LocalAnalysisPayload {
  return {
    schema: 'sextant-local-analysis/1',
    layers: sbom.image.layers.map((l) => l.diffId),
    packages: sbom.packages.map((p) => ({
      purl: payloadPurl(p),
      layers: [...new Set(p.locations.map((l) => l.layerDigest).filter((d): d is string => d !== null))],
    })),
  };
}

/**
 * The purl a package is sent as. A dpkg or apk package built from another source package carries it in the
 * `upstream` qualifier (`upstream=openssl` or `openssl@VERSION` when the versions differ), as Syft writes it: Debian's
 * and Alpine's advisories name source packages, and the server has only the purl to look the package up by.
 */
export function payloadPurl(p: Package): string {
  const source = p.source;
  if ((p.type !== 'deb' && p.type !== 'apk') || !source || (source.name === p.name && source.version === p.version)) return p.purl;
  try {
    const purl = PackageURL.fromString(p.purl);
    const upstream = source.version === p.version ? source.name : `${source.name}@${source.version}`;
    return new PackageURL(purl.type, purl.namespace, purl.name, purl.version, { ...(purl.qualifiers ?? {}), upstream }, purl.subpath).toString();
  } catch {
    return p.purl;
  }
}

/**
 * The server's findings with each purl given back as the SBOM writes it (without the `upstream` qualifier the
 * payload added, and in the SBOM's spelling), so that VEX statements, ignore entries and reports see the same
 * purls as in a local scan.
 */
export function withSbomPurls(findings: readonly Finding[], sbom: Sbom): Finding[] {
  const byPayloadPurl = new Map<string, string>();
  for (const p of sbom.packages) byPayloadPurl.set(canonicalPurl(payloadPurl(p)), p.purl);
  return findings.map((f) => {
    const purl = byPayloadPurl.get(canonicalPurl(f.purl));
    return purl === undefined || purl === f.purl ? f : { ...f, purl };
  });
}

/** A purl in packageurl-js's canonical spelling (qualifiers sorted, encoded), or as given when it does not parse. */
function canonicalPurl(purl: string): string {
  try {
    return PackageURL.fromString(purl).toString();
  } catch {
    return purl;
  }
}
