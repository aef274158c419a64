// `cves --format markdown`: a GitHub-flavoured Markdown report for pull-request comments: the image, counts by
// severity, one table row per finding (worst first), and the suppressed findings folded away with their reasons.
import type { Finding } from '../../match/matcher.ts';
import { sortFindings } from './findings-table.ts';
import { advisorySource, describeSuppression, type FindingsReport, introducingLayer, layerIndexOf } from './findings-report.ts';

const ORDER = ['critical', 'high', 'medium', 'low', 'none', 'unknown'];

/** Render the report as Markdown (ending in a newline). */
export function renderFindingsMarkdown(report: FindingsReport): string {
  const { image } = report.sbom;
  const layerIndex = layerIndexOf(report);
  const out: string[] = [`## Vulnerabilities in ${code(image.reference)}`, ''];
  out.push([...(image.digest ? [`Digest: ${code(image.digest)}`] : []), `Sextant ${escapeText(report.toolVersion)}`, `advisory database ${code(report.database)}`].join(' · '), '');

  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.severity?.rating ?? 'unknown', (counts.get(f.severity?.rating ?? 'unknown') ?? 0) + 1);
  const bySeverity = ORDER.filter((r) => counts.has(r)).map((r) => `${counts.get(r)} ${r}`).join(', ');
  const suppressed = report.suppressed.length ? ` · ${report.suppressed.length} suppressed` : '';
  const total = report.findings.length;
  out.push(total === 0 ? `**No vulnerabilities found**${suppressed}` : `**${total} ${total === 1 ? 'vulnerability' : 'vulnerabilities'}**: ${bySeverity}${suppressed}`, '');

  if (total > 0) {
    out.push('| Severity | Vulnerability | Package | Installed | Fixed in | CVSS | KEV | EPSS | Layer |', '| --- | --- | --- | --- | --- | ---: | :---: | ---: | ---: |');
    for (const f of sortFindings(report.findings)) {
      const layer = introducingLayer(f, layerIndex);
      out.push(
        `| ${[
          f.severity?.rating ?? 'unknown',
          vulnerabilityLink(f),
          code(f.packageName, true),
          code(f.installedVersion, true),
          f.fixedIn.length ? f.fixedIn.map((v) => code(v, true)).join(', ') : 'not fixed',
          f.severity?.score != null ? f.severity.score.toFixed(1) : '',
          f.kev ? `yes (${escapeText(f.kev.dateAdded)})` : '',
          f.epss ? `${(f.epss.score * 100).toFixed(2)}%` : '',
          layer === null ? '' : String(layer),
        ].join(' | ')} |`,
      );
    }
    out.push('');
  }

  if (report.suppressed.length) {
    out.push('<details>', `<summary>${report.suppressed.length} suppressed</summary>`, '');
    const reasons = new Map(report.suppressed.map((s) => [s.finding, s.reason]));
    for (const f of sortFindings(report.suppressed.map((s) => s.finding))) {
      const reason = reasons.get(f);
      out.push(`- ${vulnerabilityLink(f)} in ${code(f.packageName)} ${code(f.installedVersion)}${reason ? `: ${escapeText(describeSuppression(reason))}` : ''}`);
    }
    out.push('', '</details>', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The finding's id linked to its advisory page, with how many other ids it goes by. */
function vulnerabilityLink(f: Finding): string {
  const others = f.ids.filter((id) => id !== f.id).length;
  return `[${escapeText(f.id)}](${advisorySource(f.id).url})${others ? ` (+${others})` : ''}`;
}

/**
 * Inline text with every character Markdown would read as markup backslash-escaped, `<`, `>` and `&` included (so no
 * HTML or entity is formed) and `|` (which would end a table cell), and newlines folded to spaces. For text inside a
 * line (a table cell, after a list marker), where block syntax such as `#` or `-` has no effect.
 */
export function escapeText(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  return flat.replace(/[\\`*_[\]<>|~&!]/g, (c) => `\\${c}`);
}

/**
 * A code span (no Markdown inside it, no @-mentions): a fence longer than any backtick run in the text. Backslashes
 * do not escape inside code spans, except that GitHub tables split cells on `|` before reading spans, so in a
 * table `|` is written `\|`.
 */
export function code(text: string, inTable = false): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = flat.startsWith('`') || flat.endsWith('`') ? ` ${flat} ` : flat;
  return `${fence}${inTable ? padded.replace(/\|/g, '\\|') : padded}${fence}`;
}
