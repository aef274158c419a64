// `cves --format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning reads
// `security-severity` and `partialFingerprints`): one rule per vulnerability, one result per finding.
import { createHash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result, Suppression } from 'sarif';
import type { Severity, SeverityRating } from '../../core/advisory.ts';
import type { Finding } from '../../match/matcher.ts';
import type { SuppressedFinding } from '../../match/suppression.ts';
import { sortFindings } from './findings-table.ts';
import { advisoriesById, advisorySource, describeSuppression, type FindingsReport, layerIndexOf, packagesByPurl } from './findings-report.ts';

/** Where Sextant is described, for `tool.driver.informationUri`. */
const INFORMATION_URI = 'https://sextant.dev';
/** The name under which each result's fingerprint is given (SARIF §3.27.17: a name with a version suffix). */
const FINGERPRINT = 'sextantVulnerability/v1';

const LEVEL: Record<SeverityRating, Result.level> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', none: 'note', unknown: 'note' };
const RANK: Record<SeverityRating, number> = { critical: 5, high: 4, medium: 3, low: 2, none: 1, unknown: 0 };

/** Render the report as a SARIF 2.1.0 log (JSON text with a trailing newline). */
export function renderFindingsSarif(report: FindingsReport): string {
  const packages = packagesByPurl(report);
  const advisories = advisoriesById(report);
  const layerIndex = layerIndexOf(report);
  const entries: { finding: Finding; suppressed: SuppressedFinding | null }[] = [
    ...sortFindings(report.findings).map((finding) => ({ finding, suppressed: null })),
    ...suppressedInOrder(report.suppressed).map((s) => ({ finding: s.finding, suppressed: s })),
  ];

  // Rules in order of first use, so the worst vulnerability is rule 0.
  const ruleIndex = new Map<string, number>();
  const byRule = new Map<string, Finding[]>();
  for (const { finding } of entries) {
    if (!ruleIndex.has(finding.id)) ruleIndex.set(finding.id, ruleIndex.size);
    byRule.set(finding.id, [...(byRule.get(finding.id) ?? []), finding]);
  }
  const rules = [...byRule].map(([id, findings]) => rule(id, findings, findings.flatMap((f) => f.advisoryIds.map((a) => advisories.get(a)).filter((a) => a !== undefined))));

  const imageUri = encodeURI(report.sbom.image.reference);
  const results = entries.map(({ finding, suppressed }): Result => {
    const path = packages.get(finding.purl)?.locations[0]?.path ?? null;
    const uri = (path && pathUri(path)) || imageUri;
    const layers = finding.layers.map((diffId) => ({ diffId, index: layerIndex.get(diffId) ?? null }));
    return {
      ruleId: finding.id,
      ruleIndex: ruleIndex.get(finding.id) as number,
      level: LEVEL[finding.severity?.rating ?? 'unknown'],
      message: { text: resultMessage(finding) },
      locations: [{ physicalLocation: { artifactLocation: { uri } }, message: { text: path ? `${finding.packageName} ${finding.installedVersion} is declared here` : `${finding.packageName} ${finding.installedVersion} is in this image` } }],
      partialFingerprints: { [FINGERPRINT]: fingerprint(finding) },
      ...(suppressed ? { suppressions: [suppression(suppressed)] } : {}),
      properties: {
        purl: finding.purl,
        packageName: finding.packageName,
        packageType: finding.packageType,
        installedVersion: finding.installedVersion,
        fixedIn: finding.fixedIn,
        ids: finding.ids,
        severity: finding.severity?.rating ?? 'unknown',
        ...(finding.severity?.score != null ? { cvssScore: finding.severity.score } : {}),
        ...(finding.severity?.vector ? { cvssVector: finding.severity.vector } : {}),
        kev: finding.kev,
        epss: finding.epss,
        layers,
        ...(finding.vex ? { vex: finding.vex } : {}),
      },
    };
  });

  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sextant', version: report.toolVersion, informationUri: INFORMATION_URI, rules } },
        results,
        properties: { image: report.sbom.image.reference, digest: report.sbom.image.digest, database: report.database },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Suppressed findings in the same order as the others: worst first. */
function suppressedInOrder(suppressed: readonly SuppressedFinding[]): SuppressedFinding[] {
  const order = new Map(sortFindings(suppressed.map((s) => s.finding)).map((f, i) => [f, i]));
  return [...suppressed].sort((a, b) => (order.get(a.finding) ?? 0) - (order.get(b.finding) ?? 0));
}

/** The rule of one vulnerability id, from every finding that carries it (their severities and fixes). */
function rule(id: string, findings: readonly Finding[], advisories: readonly { details: string | null; cwes: string[] }[]): ReportingDescriptor {
  const first = findings[0] as Finding;
  const severity = findings.map((f) => f.severity).reduce<Severity | null>((worst, s) => (s && (!worst || RANK[s.rating] > RANK[worst.rating] || (s.rating === worst.rating && (s.score ?? 0) > (worst.score ?? 0))) ? s : worst), null);
  const rating = severity?.rating ?? 'unknown';
  const summary = findings.find((f) => f.summary)?.summary ?? null;
  const aliases = first.ids.filter((other) => other !== id);
  const details = advisories.find((a) => a.details)?.details ?? null;
  const cwes = [...new Set(advisories.flatMap((a) => a.cwes))].sort();
  const fixes = [...new Map(findings.map((f) => [`${f.packageName}\n${f.installedVersion}`, f])).values()];

  const fixText = fixes.map((f) => `- ${f.packageName} ${f.installedVersion}: ${f.fixedIn.length ? `upgrade to ${f.fixedIn.join(' or ')}` : 'no fixed version is known'}`);
  const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, '\\`');
  const fixRows = fixes.map((f) => `| ${cell(f.packageName)} | ${cell(f.installedVersion)} | ${f.fixedIn.length ? cell(f.fixedIn.join(', ')) : 'no fix known'} |`);
  const heading = `${id}${aliases.length ? ` (also ${aliases.join(', ')})` : ''}${summary ? `: ${summary}` : ''}`;
  const severityLine = `Severity: ${rating}${severity?.score != null ? ` (CVSS ${severity.score.toFixed(1)})` : ''}.`;
  const { url } = advisorySource(id);

  return {
    id,
    shortDescription: { text: summary ?? id },
    ...(details ? { fullDescription: { text: details } } : {}),
    helpUri: url,
    help: {
      text: `${heading}\n${severityLine}\nFixed versions:\n${fixText.join('\n')}\nAdvisory: ${url}`,
      markdown: `**${id}**${aliases.length ? ` (also ${aliases.join(', ')})` : ''}${summary ? `: ${cell(summary)}` : ''}\n\n${severityLine}\n\n| Package | Installed | Fixed in |\n| --- | --- | --- |\n${fixRows.join('\n')}\n\n[Advisory](${url})`,
    },
    defaultConfiguration: { level: LEVEL[rating] },
    properties: {
      // GitHub code scanning reads the score (a string, 0.0–10.0) to rank security results; only a computed CVSS score is given.
      ...(severity?.score != null ? { 'security-severity': severity.score.toFixed(1) } : {}),
      tags: ['security', 'vulnerability', rating, ...new Set(findings.map((f) => f.packageType)), ...cwes.map((c) => `external/cwe/${c.toLowerCase()}`)],
    },
  };
}

function resultMessage(f: Finding): string {
  const fix = f.fixedIn.length ? `Fixed in ${f.fixedIn.join(', ')}.` : 'No fixed version is known.';
  return `${f.packageName} ${f.installedVersion} is affected by ${f.id}${f.summary ? `: ${f.summary.replace(/\.\s*$/, '')}` : ''}. ${fix}`;
}

/** Stable across scans of any image for the same vulnerability in the same package (id and purl). */
function fingerprint(f: Finding): string {
  return createHash('sha256').update(`${f.id}\n${f.purl}`).digest('hex');
}

/** A path in the image as a relative URI reference: no leading slash, each segment percent-encoded. */
function pathUri(path: string): string {
  const segments = path.split('/').filter(Boolean);
  // `@` and `:` may stay as they are, except a `:` in the first segment, which would read as a scheme.
  return segments.map((s, i) => encodeURIComponent(s).replace(/%40/g, '@').replace(/%3A/gi, i === 0 ? '%3A' : ':')).join('/');
}

/** A suppressed finding as an accepted external suppression, justified by the VEX statement or ignore entry. */
function suppression(s: SuppressedFinding): Suppression {
  const { kind, ...fields } = s.reason;
  return {
    kind: 'external',
    status: 'accepted',
    justification: describeSuppression(s.reason),
    // Everything the statement or entry said, under `source` for what it was.
    properties: { source: kind, ...fields },
  };
}
