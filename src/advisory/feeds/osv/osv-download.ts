// osv.dev's published dumps over HTTP: the list of ecosystems (`ecosystems.txt`) and each ecosystem's
// `<Ecosystem>/all.zip`, downloaded conditionally into a file that `osvDocuments` then reads.
import { SextantError } from '../../../core/errors.ts';
import { download, type DownloadOptions, type DownloadResult, downloadText } from '../download.ts';

/** The public OSV bucket. */
export const DEFAULT_OSV_SOURCE = 'https://osv-vulnerabilities.storage.googleapis.com';

/** Largest `ecosystems.txt` accepted (the real one is well under 4 KiB). */
const MAX_ECOSYSTEM_LIST_BYTES = 1024 * 1024;

/** `base` checked to be an http(s) URL, without trailing slashes. Throws SextantError USAGE. */
export function osvSourceBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new SextantError('USAGE', `advisory source "${base}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SextantError('USAGE', `advisory source "${base}" is not an http(s) URL`);
  return base.replace(/\/+$/, '');
}

/** An ecosystem name as one path segment, escaped as osv.dev's own tools do: `Red Hat` → `Red%20Hat`, `:` kept. */
export function ecosystemPathSegment(ecosystem: string): string {
  return encodeURIComponent(ecosystem).replace(/%3A/gi, ':');
}

/** Where `ecosystem`'s dump lives under `base`. */
export function osvDumpUrl(base: string, ecosystem: string): string {
  return `${osvSourceBase(base)}/${ecosystemPathSegment(ecosystem)}/all.zip`;
}

/**
 * The ecosystems `base` publishes (its `ecosystems.txt`, one per line). A release-specific name (`Debian:12`) is
 * left out when its base ecosystem (`Debian`) is listed too, since the base's dump already holds every release.
 * Throws a one-line SextantError when the list cannot be fetched or is empty.
 */
export async function listOsvEcosystems(base: string, options: Pick<DownloadOptions, 'idleTimeoutMs' | 'timeoutMs' | 'signal'> = {}): Promise<string[]> {
  const url = `${osvSourceBase(base)}/ecosystems.txt`;
  let text: string;
  try {
    text = await downloadText(url, { ...options, maxBytes: MAX_ECOSYSTEM_LIST_BYTES });
  } catch (err) {
    const reason = err instanceof SextantError ? err.message : String(err);
    throw new SextantError(err instanceof SextantError ? err.code : 'NETWORK', `cannot list the OSV ecosystems (${reason}); name them with --ecosystem`, { cause: err });
  }
  const listed = [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')))];
  const names = new Set(listed);
  const ecosystems = listed.filter((name) => {
    const colon = name.indexOf(':');
    return colon < 0 || !names.has(name.slice(0, colon));
  });
  if (ecosystems.length === 0) throw new SextantError('CORRUPT', `${url} lists no ecosystems; name them with --ecosystem`);
  return ecosystems;
}

/** Download `ecosystem`'s `all.zip` from `base` into `path`, unless unchanged since `options.previous`. */
export function downloadOsvDump(base: string, ecosystem: string, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  return download(osvDumpUrl(base, ecosystem), path, options);
}
