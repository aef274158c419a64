// `cves --format cyclonedx`: the image's CycloneDX 1.6 SBOM (the `sbom` writer's document) with a
// `vulnerabilities` array whose `affects` point at the components of the affected packages; suppressions are VEX.
import type { Advisory, Severity, SeverityRating } from '../../core/advisory.ts';
import type { Finding } from '../../match/matcher.ts';
import type { SuppressedFinding } from '../../match/suppression.ts';
import { type CdxBom, toCycloneDx } from '../../sbom/formats/cyclonedx/cyclonedx.ts';
import type { NamedValue } from '../../sbom/formats/image-properties.ts';
import { sortFindings } from './findings-table.ts';
import { advisoriesById, advisorySource, describeSuppression, type FindingsReport } from './findings-report.ts';

/** CycloneDX `impactAnalysisState` values Sextant writes. */
export type CdxAnalysisState = 'resolved' | 'exploitable' | 'in_triage' | 'not_affected';

/** CycloneDX `impactAnalysisJustification` values an OpenVEX justification maps to. */
export type CdxJustification = 'code_not_present' | 'code_not_reachable' | 'protected_by_mitigating_control';

/** A CycloneDX 1.6 vulnerability, as far as Sextant fills it in. */
export interface CdxVulnerability {
  'bom-ref': string;
  id: string;
  source: { name: string; url: string };
  references?: { id: string; source: { name: string; url: string } }[];
  ratings?: { source?: { name: string; url: string }; score?: number; severity: SeverityRating; method: 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | 'other'; vector?: string }[];
  cwes?: number[];
  description?: string;
  detail?: string;
  recommendation: string;
  advisories?: { title?: string; url: string }[];
  published?: string;
  updated?: string;
  analysis?: { state?: CdxAnalysisState; justification?: CdxJustification; detail?: string; lastUpdated?: string };
  affects: { ref: string; versions: { version: string; status: 'affected' | 'unaffected' }[] }[];
  properties?: NamedValue[];
}

/** The CycloneDX SBOM of the image with its vulnerabilities. */
export type CdxVulnerabilityBom = CdxBom & { metadata: CdxBom['metadata'] & { properties: NamedValue[] }; vulnerabilities: CdxVulnerability[] };

/**
 * OpenVEX justifications (for `not_affected`) and the CycloneDX justifications that say the same. OpenVEX's
 * `vulnerable_code_cannot_be_controlled_by_adversary` has no single counterpart (CycloneDX splits it by what the
 * exploit would require), so it is left to the analysis detail.
 */
const JUSTIFICATION: Readonly<Record<string, CdxJustification>> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

/** An RFC 3339 date-time, as the schema's `date-time` requires (a VEX timestamp is kept only when it is one). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const RANK: Record<SeverityRating, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1, unknown: 0 };

/** Build the document (exported for callers and tests that want the object). */
export function toCycloneDxWithVulnerabilities(report: FindingsReport): CdxVulnerabilityBom {
  const bom = toCycloneDx(report.sbom);
  // The writer's bom-ref for each package's component, looked up by purl rather than assumed.
  const refByPurl = new Map(bom.components.filter((c) => c.purl).map((c) => [c.purl as string, c['bom-ref']]));
  const rootRef = bom.metadata.component['bom-ref'];
  const advisories = advisoriesById(report);

  // One entry per id and analysis: findings of the same vulnerability that VEX or an ignore entry treats alike share one.
  const groups = new Map<string, { id: string; analysis: CdxVulnerability['analysis'] | null; suppression: SuppressedFinding['reason'] | null; findings: Finding[] }>();
  const add = (finding: Finding, suppression: SuppressedFinding['reason'] | null) => {
    const analysis = analysisOf(finding, suppression);
    const key = `${finding.id}\n${JSON.stringify(analysis)}\n${suppression?.kind ?? ''}`;
    const group = groups.get(key) ?? { id: finding.id, analysis, suppression, findings: [] };
    group.findings.push(finding);
    groups.set(key, group);
  };
  for (const f of sortFindings(report.findings)) add(f, null);
  const suppressedByFinding = new Map(report.suppressed.map((s) => [s.finding, s.reason]));
  for (const f of sortFindings(report.suppressed.map((s) => s.finding))) add(f, suppressedByFinding.get(f) ?? null);

  const seen = new Map<string, number>();
  const vulnerabilities = [...groups.values()].map(({ id, analysis, suppression, findings }): CdxVulnerability => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    const records = [...new Set(findings.flatMap((f) => f.advisoryIds))].map((a) => advisories.get(a)).filter((a): a is Advisory => a !== undefined);
    const severity = worst(findings.map((f) => f.severity));
    const summary = findings.find((f) => f.summary)?.summary ?? null;
    const details = records.find((r) => r.details)?.details ?? null;
    const cwes = [...new Set(records.flatMap((r) => r.cwes).map((c) => Number(/^CWE-(\d+)$/i.exec(c)?.[1])).filter((c) => Number.isInteger(c)))].sort((a, b) => a - b);
    const published = records.map((r) => r.published).filter(isDate).sort()[0];
    const updated = records.map((r) => r.modified).filter(isDate).sort().at(-1);
    const unaffected = suppression?.kind === 'vex';
    const affects = new Map<string, CdxVulnerability['affects'][number]>();
    for (const f of findings) {
      // A finding's purl is always a package of the SBOM; were it not, the image itself is what is affected.
      const ref = refByPurl.get(f.purl) ?? rootRef;
      const entry = affects.get(ref) ?? { ref, versions: [] };
      if (!entry.versions.some((v) => v.version === f.installedVersion)) entry.versions.push({ version: f.installedVersion, status: unaffected ? 'unaffected' : 'affected' });
      affects.set(ref, entry);
    }
    const properties = exploitProperties(findings, suppression);
    const others = [...new Set(findings.flatMap((f) => f.ids))].filter((other) => other !== id).sort();
    const advisoryLinks = new Map<string, string>();
    for (const a of [...new Set(findings.flatMap((f) => f.advisoryIds))].sort()) advisoryLinks.set(advisorySource(a).url, a);
    for (const r of records) for (const ref of r.references) if (ref.type === 'ADVISORY' && !advisoryLinks.has(ref.url)) advisoryLinks.set(ref.url, '');
    return {
      'bom-ref': n === 1 ? `sextant:vulnerability:${id}` : `sextant:vulnerability:${id}:${n}`,
      id,
      source: advisorySource(id),
      ...(others.length ? { references: others.map((other) => ({ id: other, source: advisorySource(other) })) } : {}),
      ...(severity ? { ratings: [rating(severity)] } : {}),
      ...(cwes.length ? { cwes } : {}),
      ...(summary ? { description: summary } : {}),
      ...(details ? { detail: details } : {}),
      recommendation: recommendation(findings),
      ...(advisoryLinks.size ? { advisories: [...advisoryLinks].map(([url, title]) => (title ? { title, url } : { url })) } : {}),
      ...(published ? { published } : {}),
      ...(updated ? { updated } : {}),
      ...(analysis ? { analysis } : {}),
      affects: [...affects.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0)),
      ...(properties.length ? { properties } : {}),
    };
  });

  return { ...bom, metadata: { ...bom.metadata, properties: [{ name: 'sextant:advisoryDatabase', value: report.database }] }, vulnerabilities };
}

/** Render the report as CycloneDX 1.6 JSON (with a trailing newline). */
export function renderFindingsCycloneDx(report: FindingsReport): string {
  return `${JSON.stringify(toCycloneDxWithVulnerabilities(report), null, 2)}\n`;
}

/** What is known of a finding's impact: a suppressing VEX statement or ignore entry, or an annotating VEX statement. */
function analysisOf(finding: Finding, suppression: SuppressedFinding['reason'] | null): CdxVulnerability['analysis'] | null {
  if (suppression?.kind === 'vex') {
    const justification = suppression.status === 'not_affected' && suppression.justification ? JUSTIFICATION[suppression.justification] : undefined;
    const lastUpdated = suppression.timestamp && RFC3339.test(suppression.timestamp) ? suppression.timestamp : null;
    return { state: suppression.status === 'fixed' ? 'resolved' : 'not_affected', ...(justification ? { justification } : {}), detail: describeSuppression(suppression), ...(lastUpdated ? { lastUpdated } : {}) };
  }
  // An ignore entry is the user's decision, not a claim about the impact: no state, the reason as detail.
  if (suppression?.kind === 'ignore') return { detail: describeSuppression(suppression) };
  if (finding.vex) {
    const statement = finding.vex.statement ? `: ${finding.vex.statement}` : '';
    return { state: finding.vex.status === 'affected' ? 'exploitable' : 'in_triage', detail: `VEX: ${finding.vex.status.replace('_', ' ')}${statement} [${finding.vex.document}]` };
  }
  return null;
}

function worst(severities: readonly (Severity | null)[]): Severity | null {
  return severities.reduce<Severity | null>((w, s) => (s && (!w || RANK[s.rating] > RANK[w.rating] || (s.rating === w.rating && (s.score ?? 0) > (w.score ?? 0))) ? s : w), null);
}

/** A CycloneDX rating: the CVSS version from the vector, `other` for a database's own label. */
function rating(s: Severity): NonNullable<CdxVulnerability['ratings']>[number] {
  const method = s.source === 'CVSS_V4' ? 'CVSSv4' : s.source === 'CVSS_V3' ? (s.vector?.startsWith('CVSS:3.1/') ? 'CVSSv31' : 'CVSSv3') : s.source === 'CVSS_V2' ? 'CVSSv2' : 'other';
  return { ...(s.score !== null ? { score: s.score } : {}), severity: s.rating, method, ...(s.vector ? { vector: s.vector } : {}) };
}

function recommendation(findings: readonly Finding[]): string {
  const lines = findings.map((f) => (f.fixedIn.length ? `Upgrade ${f.packageName} ${f.installedVersion} to ${f.fixedIn.join(' or ')}.` : `No fixed version of ${f.packageName} is known (installed ${f.installedVersion}).`));
  return [...new Set(lines)].join(' ');
}

/** KEV, EPSS, VEX and suppression facts as `sextant:` properties (KEV and EPSS are per CVE, so any finding's serve). */
function exploitProperties(findings: readonly Finding[], suppression: SuppressedFinding['reason'] | null): NamedValue[] {
  const out: NamedValue[] = [];
  const kev = findings.find((f) => f.kev)?.kev;
  if (kev) {
    out.push({ name: 'sextant:kev:cve', value: kev.cve }, { name: 'sextant:kev:dateAdded', value: kev.dateAdded });
    if (kev.dueDate) out.push({ name: 'sextant:kev:dueDate', value: kev.dueDate });
    out.push({ name: 'sextant:kev:requiredAction', value: kev.requiredAction }, { name: 'sextant:kev:knownRansomware', value: String(kev.knownRansomware) });
  }
  const epss = findings.map((f) => f.epss).reduce((best, e) => (e && (!best || e.score > best.score) ? e : best), null as Finding['epss']);
  if (epss) {
    out.push({ name: 'sextant:epss:cve', value: epss.cve }, { name: 'sextant:epss:score', value: String(epss.score) }, { name: 'sextant:epss:percentile', value: String(epss.percentile) }, { name: 'sextant:epss:date', value: epss.date });
  }
  for (const document of new Set(findings.map((f) => f.vex?.document).filter((d) => d !== undefined))) out.push({ name: 'sextant:vex:document', value: document });
  if (suppression) out.push({ name: 'sextant:suppressed', value: suppression.kind });
  return out;
}

/** An RFC 3339 timestamp worth writing (the Go database leaves dates at year 1). */
function isDate(value: string | null): value is string {
  return value !== null && RFC3339.test(value) && Date.parse(value) > 0;
}
