// `cves --explain ID`: for each package a vulnerability matched, the advisories, ranges and versions that made it.
import type { Finding, Undecided } from '../../match/matcher.ts';

/** The findings carrying `id` among any of their ids, explained; or a line saying it did not match. */
export function renderExplanation(id: string, findings: readonly Finding[], undecided: readonly Undecided[], json: boolean): string {
  const wanted = id.trim().toUpperCase();
  const matching = findings.filter((f) => f.ids.some((x) => x.toUpperCase() === wanted));
  const notDecided = undecided.filter((u) => u.advisoryId.toUpperCase() === wanted);
  if (json) return `${JSON.stringify({ id, findings: matching, undecided: notDecided }, null, 2)}\n`;
  if (matching.length === 0 && notDecided.length === 0) return `${id} does not affect any package of this image (no advisory with that id or alias matched)\n`;
  const out: string[] = [];
  for (const f of matching) {
    out.push(`${f.id} affects ${f.packageName} ${f.installedVersion} (${f.purl})`);
    out.push(`  ids: ${f.ids.join(', ')}`);
    out.push(`  severity: ${f.severity ? `${f.severity.rating}${f.severity.score !== null ? ` ${f.severity.score.toFixed(1)}` : ''} (${f.severity.source}${f.severity.vector ? ` ${f.severity.vector}` : ''})` : 'unknown'}`);
    out.push(`  fixed in: ${f.fixedIn.join(', ') || 'no fix known'}`);
    for (const e of f.explanations) {
      out.push(`  ${e.advisoryId}: ${e.ecosystem} ${e.name} ${e.installedVersion} (looked up by ${e.keyedBy}) is in ${e.range}, ordered as ${e.scheme} versions; ${e.matcher}, database ${e.database}`);
    }
  }
  for (const u of notDecided) out.push(`${u.advisoryId} could not be decided for ${u.purl}: ${u.reason}`);
  return `${out.join('\n')}\n`;
}
