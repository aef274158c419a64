// Severity display: a rating badge, the row of counts by rating, and a stacked bar of the same counts.
import { SEVERITIES, type Rating, type SeverityCounts } from '../api/types.ts';

const LABEL: Record<Rating, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', unknown: 'Unknown' };
const LETTER: Record<Rating, string> = { critical: 'C', high: 'H', medium: 'M', low: 'L', unknown: '?' };

/** A rating as a known one ('none' and anything unexpected read as unknown). */
export function asRating(rating: string | null | undefined): Rating {
  return (SEVERITIES as readonly string[]).includes(rating ?? '') ? (rating as Rating) : 'unknown';
}

/** Counts with every rating present (missing ones are 0). */
export function fullCounts(counts: Partial<Record<string, number>> | null | undefined): SeverityCounts {
  const full = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  for (const [rating, n] of Object.entries(counts ?? {})) full[asRating(rating)] += n ?? 0;
  return full;
}

/** The total of counts. */
export function totalOf(counts: SeverityCounts): number {
  return SEVERITIES.reduce((sum, s) => sum + counts[s], 0);
}

export function SeverityBadge({ rating, score }: { rating: string | null | undefined; score?: number | null }) {
  const r = asRating(rating);
  return (
    <span className={`sev sev-${r}`} title={LABEL[r]}>
      {LABEL[r]}
      {score !== undefined && score !== null ? <span className="sev-score">{score.toFixed(1)}</span> : null}
    </span>
  );
}

/** C 1 H 4 M 9 L 2, each box coloured, zeros dimmed. */
export function SeverityCounts({ counts, compact = false }: { counts: Partial<Record<string, number>>; compact?: boolean }) {
  const full = fullCounts(counts);
  return (
    <span className={`sev-counts${compact ? ' compact' : ''}`} aria-label={SEVERITIES.map((s) => `${full[s]} ${s}`).join(', ')}>
      {SEVERITIES.filter((s) => s !== 'unknown' || full.unknown > 0).map((s) => (
        <span key={s} className={`sev-count sev-${s}${full[s] === 0 ? ' zero' : ''}`} title={`${full[s]} ${LABEL[s].toLowerCase()}`}>
          <b>{LETTER[s]}</b>
          {full[s]}
        </span>
      ))}
    </span>
  );
}

/** A stacked horizontal bar of counts by rating. */
export function SeverityBar({ counts }: { counts: SeverityCounts }) {
  const total = totalOf(counts);
  if (total === 0) return <div className="sev-bar empty" />;
  return (
    <div className="sev-bar" role="img" aria-label={SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')}>
      {SEVERITIES.filter((s) => counts[s] > 0).map((s) => (
        <span key={s} className={`sev-bg-${s}`} style={{ flexGrow: counts[s] }} title={`${counts[s]} ${LABEL[s].toLowerCase()}`} />
      ))}
    </div>
  );
}

export const severityLabel = (r: Rating) => LABEL[r];
