// What a failed request means, in words: a fetch/undici/socket error (its code or name, along its `cause` chain) as
// a short phrase, and an HTTP error status as a SextantError code. Pure: it reads errors, it makes no request.
import type { ErrorCode } from './errors.ts';

/** Whom the failing request went to, for the hints some phrases carry. */
export interface NetworkErrorHints {
  /** Whose CA an untrusted certificate needs, as in "holding the registry's CA" (default "server"). */
  peer?: string;
  /** Added to a failed TLS handshake, e.g. "plain-HTTP registries need --insecure-registry". */
  handshake?: string;
}

/** The codes along an error's `cause` chain (fetch wraps the socket's error in `TypeError: fetch failed`). */
function codesOf(err: unknown): { code: string; carrier: unknown }[] {
  const codes: { code: string; carrier: unknown }[] = [];
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // DOMException's numeric `code` says nothing; its name does.
    if (typeof code === 'string') codes.push({ code, carrier: e });
    else if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) codes.push({ code: e.name, carrier: e });
  }
  return codes;
}

/** The phrase for a known code, else null. */
function phraseFor(code: string, hints: NetworkErrorHints): string | null {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return 'host not found (DNS)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'the connection was closed before the answer was complete';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TimeoutError':
      return 'timed out';
    case 'AbortError':
      return 'aborted';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS certificate not trusted (${code}; set NODE_EXTRA_CA_CERTS to a PEM file holding the ${hints.peer ?? 'server'}'s CA)`;
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS certificate invalid (${code})`;
  }
  if (code.startsWith('ERR_SSL') || code === 'EPROTO') return `TLS handshake failed (${code}${hints.handshake ? `; ${hints.handshake}` : ''})`;
  if (code.startsWith('CERT_') || code.startsWith('ERR_TLS')) return `TLS certificate problem (${code})`;
  return null;
}

/** The first line of an error's message, whitespace squeezed, at most 200 characters. */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = (text.trim().split('\n')[0] ?? '').replace(/\s+/g, ' ');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * A short reason for a transport failure: "connection refused", "host not found (DNS)", "timed out", a TLS problem.
 * The first code along the cause chain with a phrase decides; otherwise `CODE: message` of the first code's error,
 * or the message of what fetch wrapped.
 */
export function describeNetworkError(err: unknown, hints: NetworkErrorHints = {}): string {
  const codes = codesOf(err);
  for (const { code } of codes) {
    const phrase = phraseFor(code, hints);
    if (phrase) return phrase;
  }
  const cause = (err as { cause?: unknown } | null)?.cause;
  const message = firstLine(codes[0]?.carrier ?? (cause instanceof Error ? cause : err));
  // fetch refuses some ports outright (9, 25, 6000, …: the Fetch standard's "bad ports") without connecting.
  if (message === 'bad port') return 'port refused by fetch (a "bad port" in the Fetch standard)';
  if (codes[0]) return message ? `${codes[0].code}: ${message}` : codes[0].code;
  return message || 'unknown error';
}

/** The SextantError code for an HTTP error status from a Sextant server: every one exits 2, the code tells them apart. */
export function errorCodeForStatus(status: number): ErrorCode {
  if (status === 401) return 'AUTH_FAILED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413 || status === 429) return 'LIMIT_EXCEEDED';
  if (status >= 400 && status < 500) return 'USAGE';
  return 'NETWORK';
}
