// The people-facing table of `cves`: one row per finding, worst first, and a count per severity.
import Table from 'cli-table3';
import pc from 'picocolors';
import type { Finding } from '../../match/matcher.ts';

const ORDER = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];
const COLOUR: Record<string, (s: string) => string> = { critical: pc.red, high: pc.magenta, medium: pc.yellow, low: pc.blue };

/** Findings worst first, then by package, id and purl. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => ORDER.indexOf(f.severity?.rating ?? 'unknown');
  return [...findings].sort((a, b) => rank(a) - rank(b) || (b.severity?.score ?? 0) - (a.severity?.score ?? 0) || (a.packageName < b.packageName ? -1 : a.packageName > b.packageName ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
}

/** Render findings; `layerIndex` maps a diffID to its position in the image. */
export function renderFindingsTable(findings: readonly Finding[], layerIndex: ReadonlyMap<string, number>): string {
  const table = new Table({ head: ['package', 'installed', 'fixed in', 'severity', 'CVSS', 'KEV', 'EPSS', 'vulnerability', 'layer'], style: { head: [], border: [] } });
  for (const f of sortFindings(findings)) {
    const rating = f.severity?.rating ?? 'unknown';
    const layers = f.layers.map((d) => layerIndex.get(d)).filter((i): i is number => i !== undefined);
    table.push([
      f.packageName,
      f.installedVersion,
      f.fixedIn.join(', ') || pc.dim('not fixed'),
      (COLOUR[rating] ?? ((s: string) => s))(rating),
      f.severity?.score?.toFixed(1) ?? '',
      f.kev ? pc.red(`yes${f.kev.knownRansomware ? ' (ransomware)' : ''}`) : '',
      f.epss ? `${(f.epss.score * 100).toFixed(1)}%` : '',
      f.ids.length > 1 ? `${f.id} (+${f.ids.length - 1})` : f.id,
      layers.length ? String(Math.min(...layers)) : '',
    ]);
  }
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.severity?.rating ?? 'unknown', (counts.get(f.severity?.rating ?? 'unknown') ?? 0) + 1);
  const summary = ORDER.filter((r) => counts.has(r)).map((r) => `${counts.get(r)} ${r}`).join(', ');
  const head = findings.length === 0 ? pc.bold('no vulnerabilities found') : `${pc.bold(`${findings.length} vulnerabilities`)} (${summary})`;
  return `${findings.length ? `${table.toString()}\n` : ''}${head}\n`;
}
