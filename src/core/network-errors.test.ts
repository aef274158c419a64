// describeNetworkError on real fetch failures (a closed port, a silent server, a "bad port") and on the error chains
// undici and TLS sockets produce; errorCodeForStatus over the statuses a Sextant server answers.
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../../test/support/ports.ts';
import { describeNetworkError, errorCodeForStatus } from './network-errors.ts';

/** What fetch threw for `url`. */
async function fetchFailure(url: string, init: RequestInit = {}): Promise<unknown> {
  try {
    await fetch(url, init);
  } catch (err) {
    return err;
  }
  throw new Error(`fetch ${url} did not fail`);
}

/** fetch's shape: `TypeError: fetch failed` wrapping the socket's error. */
function wrapped(code: string, message = `${code} happened`): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

describe('describeNetworkError', () => {
  it('says a port nothing listens on refused the connection', async () => {
    expect(describeNetworkError(await fetchFailure(`http://127.0.0.1:${await closedPort()}/`))).toBe('connection refused');
  });

  it('says a server that never answers timed out', async () => {
    const server = createHttpServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(describeNetworkError(await fetchFailure(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(100) }))).toBe('timed out');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('names a port fetch refuses without connecting', async () => {
    expect(describeNetworkError(await fetchFailure('http://127.0.0.1:9/'))).toBe('port refused by fetch (a "bad port" in the Fetch standard)');
  });

  it('puts socket and undici codes into words', () => {
    expect(describeNetworkError(wrapped('ENOTFOUND'))).toBe('host not found (DNS)');
    expect(describeNetworkError(wrapped('EAI_AGAIN'))).toBe('host not found (DNS)');
    expect(describeNetworkError(wrapped('UND_ERR_SOCKET'))).toBe('the connection was closed before the answer was complete');
    expect(describeNetworkError(wrapped('ECONNRESET'))).toBe('the connection was closed before the answer was complete');
    expect(describeNetworkError(wrapped('UND_ERR_HEADERS_TIMEOUT'))).toBe('timed out');
    expect(describeNetworkError(wrapped('ENETUNREACH'))).toBe('network unreachable');
    expect(describeNetworkError(new DOMException('This operation was aborted', 'AbortError'))).toBe('aborted');
  });

  it('looks past a code it has no words for to one deeper in the chain', () => {
    const deep = new TypeError('fetch failed', { cause: Object.assign(new Error('socket failed'), { code: 'UND_ERR', cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }) });
    expect(describeNetworkError(deep)).toBe('connection refused');
  });

  it('names TLS problems, with the hints of whom the request went to', () => {
    expect(describeNetworkError(wrapped('SELF_SIGNED_CERT_IN_CHAIN'))).toBe("TLS certificate not trusted (SELF_SIGNED_CERT_IN_CHAIN; set NODE_EXTRA_CA_CERTS to a PEM file holding the server's CA)");
    expect(describeNetworkError(wrapped('DEPTH_ZERO_SELF_SIGNED_CERT'), { peer: 'registry' })).toBe(
      "TLS certificate not trusted (DEPTH_ZERO_SELF_SIGNED_CERT; set NODE_EXTRA_CA_CERTS to a PEM file holding the registry's CA)",
    );
    expect(describeNetworkError(wrapped('CERT_HAS_EXPIRED'))).toBe('TLS certificate invalid (CERT_HAS_EXPIRED)');
    expect(describeNetworkError(wrapped('CERT_REVOKED'))).toBe('TLS certificate problem (CERT_REVOKED)');
    expect(describeNetworkError(wrapped('ERR_SSL_WRONG_VERSION_NUMBER'))).toBe('TLS handshake failed (ERR_SSL_WRONG_VERSION_NUMBER)');
    expect(describeNetworkError(wrapped('EPROTO'), { handshake: 'plain-HTTP registries need --insecure-registry' })).toBe('TLS handshake failed (EPROTO; plain-HTTP registries need --insecure-registry)');
  });

  it('falls back to the code and the first line of its message, or the message fetch wrapped', () => {
    expect(describeNetworkError(wrapped('EPIPE', 'write EPIPE\n    at somewhere'))).toBe('EPIPE: write EPIPE');
    expect(describeNetworkError(new TypeError('fetch failed', { cause: new Error('something odd') }))).toBe('something odd');
    expect(describeNetworkError('plain text')).toBe('plain text');
    expect(describeNetworkError(new Error(''))).toBe('unknown error');
  });
});

describe('errorCodeForStatus', () => {
  it('maps the statuses a Sextant server answers to error codes', () => {
    expect([401, 403, 404, 413, 429, 400, 422, 500, 502].map(errorCodeForStatus)).toEqual(['AUTH_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'LIMIT_EXCEEDED', 'LIMIT_EXCEEDED', 'USAGE', 'USAGE', 'NETWORK', 'NETWORK']);
  });
});
