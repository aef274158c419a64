// What `cves` says about suppressed findings: a count by source under the table, and with --show-suppressed a
// table of them with what suppressed each and why.
import Table from 'cli-table3';
import pc from 'picocolors';
import type { SuppressedFinding, SuppressionReason } from '../../match/suppression.ts';
import { sortFindings } from './findings-table.ts';

/** `3 suppressed (2 by VEX, 1 by .sextant-ignore.yaml)`, with a hint unless they are `listed`; empty when none. */
export function renderSuppressedSummary(suppressed: readonly SuppressedFinding[], listed: boolean): string {
  if (suppressed.length === 0) return '';
  // VEX first, as it is applied first.
  const bySource = new Map<string, number>([['VEX', 0]]);
  for (const s of suppressed) {
    const source = s.reason.kind === 'vex' ? 'VEX' : s.reason.file;
    bySource.set(source, (bySource.get(source) ?? 0) + 1);
  }
  const parts = [...bySource].filter(([, n]) => n > 0).map(([source, n]) => `${n} by ${source}`).join(', ');
  return `${suppressed.length} suppressed (${parts})${listed ? '' : `; ${pc.dim('--show-suppressed lists them')}`}\n`;
}

/** The suppressed findings, worst first, each with what suppressed it and why. */
export function renderSuppressedTable(suppressed: readonly SuppressedFinding[]): string {
  if (suppressed.length === 0) return '';
  const reasons = new Map(suppressed.map((s) => [s.finding, s.reason]));
  const table = new Table({ head: ['package', 'installed', 'vulnerability', 'suppressed by', 'why'], style: { head: [], border: [] }, wordWrap: true, colWidths: [null, null, null, null, 60] });
  for (const f of sortFindings(suppressed.map((s) => s.finding))) {
    const reason = reasons.get(f) as SuppressionReason;
    table.push([f.packageName, f.installedVersion, f.ids.length > 1 ? `${f.id} (+${f.ids.length - 1})` : f.id, suppressedBy(reason), why(reason)]);
  }
  return `${pc.bold('Suppressed')}\n${table.toString()}\n`;
}

function suppressedBy(reason: SuppressionReason): string {
  return reason.kind === 'vex' ? `VEX ${reason.status} (${reason.document})` : `${reason.file} (${reason.id}${reason.purl ? ` in ${reason.purl}` : ''})`;
}

function why(reason: SuppressionReason): string {
  const parts = reason.kind === 'vex' ? [reason.justification, reason.statement] : [reason.reason, reason.expires ? `until ${reason.expires}` : null];
  return parts.filter((p): p is string => p !== null).join('; ') || pc.dim('no reason given');
}
