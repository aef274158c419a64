// Formatting for people: dates, ages, sizes, digests and counts in the browser's locale, history commands, and
// links to a source revision.

const numberFormat = new Intl.NumberFormat();
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** 12,345 */
export function count(n: number): string {
  return numberFormat.format(n);
}

/** A date and time, or an em dash. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "3 days ago", relative to now. */
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const delta = t - now;
  for (const [unit, ms] of UNITS) if (Math.abs(delta) >= ms) return relativeFormat.format(Math.round(delta / ms), unit);
  return 'just now';
}

/** 1.4 MB (decimal units, as registries show sizes). */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `sha256:4f1c2d3e4a5b` — the algorithm and the first 12 hex digits. */
export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '—';
  const [algorithm, hex] = digest.includes(':') ? (digest.split(':', 2) as [string, string]) : ['', digest];
  return `${algorithm ? `${algorithm}:` : ''}${hex.slice(0, 12)}`;
}

/** `docker.io/acme/web:1.4` without `docker.io/library/` noise. */
export function displayReference(reference: string): string {
  return reference.replace(/^(registry|archive|oci-dir|fs):\/\//, '').replace(/^docker\.io\/library\//, '');
}

/** A history command without the shell prefix BuildKit and the classic builder add. */
export function cleanCreatedBy(createdBy: string | null): string {
  if (!createdBy) return '';
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/\s*# buildkit$/, '')
    .trim();
}

/** A browsable link for a VCS source and revision (GitHub, GitLab and Bitbucket style), or null. */
export function revisionUrl(source: string | null, revision: string | null): string | null {
  if (!source) return null;
  // `git@host:owner/repo.git`, as git writes SSH remotes, is browsable as https://host/owner/repo.
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(source);
  let url: URL;
  try {
    url = new URL(
      (scp ? `https://${scp[1]}/${scp[2]}` : source)
        .replace(/^git\+/, '')
        .replace(/#.*$/, '')
        .replace(/\.git$/, ''),
    );
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (!revision) return url.toString();
  const path = url.hostname === 'bitbucket.org' ? 'commits' : url.hostname.includes('gitlab') ? '-/commit' : 'commit';
  return `${url.toString().replace(/\/$/, '')}/${path}/${encodeURIComponent(revision)}`;
}
