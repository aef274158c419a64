// What the report formats of `cves` (SARIF, CycloneDX, Markdown) are rendered from, and the facts they share:
// where an advisory id is published, which package a finding is about, what suppressed a finding.
import type { Advisory } from '../../core/advisory.ts';
import type { Package } from '../../core/package.ts';
import type { Sbom } from '../../core/sbom.ts';
import type { Finding } from '../../match/matcher.ts';
import type { SuppressedFinding, SuppressionReason } from '../../match/suppression.ts';

/** One scan's results, as the report formats take them. */
export interface FindingsReport {
  /** The image and its packages (the findings' purls are among them). */
  sbom: Sbom;
  /** The findings that remain after suppression and the command's filters. */
  findings: Finding[];
  /** The findings a VEX statement or an ignore-file entry took out, with why. */
  suppressed: SuppressedFinding[];
  /** The advisory database the findings came from (`db status` digest). */
  database: string;
  /** Sextant's version. */
  toolVersion: string;
  /**
   * The stored advisories the findings matched, when the caller has them at hand (by `Finding.advisoryIds`):
   * CWEs, publication dates and reference links come from them. Optional: every format renders without them.
   */
  advisories?: readonly Advisory[];
}

/** Where a vulnerability id is published: NVD for CVEs, GitHub for GHSAs, osv.dev for every other OSV id. */
export function advisorySource(id: string): { name: string; url: string } {
  if (/^CVE-/i.test(id)) return { name: 'NVD', url: `https://nvd.nist.gov/vuln/detail/${encodeURIComponent(id)}` };
  if (/^GHSA-/i.test(id)) return { name: 'GitHub', url: `https://github.com/advisories/${encodeURIComponent(id)}` };
  return { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` };
}

/** The report's packages by purl, to find a finding's locations. */
export function packagesByPurl(report: FindingsReport): Map<string, Package> {
  return new Map(report.sbom.packages.map((p) => [p.purl, p]));
}

/** The report's advisories by id (empty when the caller gave none). */
export function advisoriesById(report: FindingsReport): Map<string, Advisory> {
  return new Map((report.advisories ?? []).map((a) => [a.id, a]));
}

/** Layer diffID → position in the image (0 = base). */
export function layerIndexOf(report: FindingsReport): Map<string, number> {
  return new Map(report.sbom.image.layers.map((l, i) => [l.diffId, i]));
}

/** The lowest layer position among a finding's layers, or null when none is in the image. */
export function introducingLayer(finding: Finding, layerIndex: ReadonlyMap<string, number>): number | null {
  const positions = finding.layers.map((d) => layerIndex.get(d)).filter((i): i is number => i !== undefined);
  return positions.length ? Math.min(...positions) : null;
}

/** One line saying why a finding was suppressed, naming the VEX document or ignore file it came from. */
export function describeSuppression(reason: SuppressionReason): string {
  if (reason.kind === 'vex') {
    const status = reason.status === 'fixed' ? 'fixed' : 'not affected';
    return `VEX: ${status}${reason.justification ? ` (${reason.justification})` : ''}${reason.statement ? `: ${reason.statement}` : ''} [${reason.document}]`;
  }
  return `ignored${reason.reason ? `: ${reason.reason}` : ''}${reason.expires ? ` (until ${reason.expires})` : ''} [${reason.file}]`;
}
