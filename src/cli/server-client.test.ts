import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SextantError } from '../core/errors.ts';
import type { AnalysisAnswer } from '../platform/model.ts';
import { normaliseServerUrl, resolveServerConnection, serverClient } from './server-client.ts';

const TOKEN = 'sxt_test-token-that-must-never-be-printed';

/** What the test server received last. */
let last: { method: string; url: string; headers: IncomingMessage['headers']; body: string } | null = null;
let server: Server;
let base: string;

const ANSWER: AnalysisAnswer = {
  image: { digest: null, reference: '' },
  findings: [],
  base: { base: null, provenance: null, agrees: null },
  database: 'sha256:' + 'a'.repeat(64),
};

/** Routes of the test server, by path: each answers the way a real server (or a broken one) would. */
const ROUTES: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/api/v1/images': (_req, res) => json(res, 201, { ...ANSWER, image: { digest: 'sha256:' + 'b'.repeat(64), reference: 'shop:1' } }),
  '/api/v1/analysis': (_req, res) => json(res, 200, ANSWER),
  '/api/v1/catalog': (req, res, body) => (req.method === 'GET' ? json(res, 200, { entries: [{ name: 'docker.io/library/alpine', tag: '3.20', digest: null, layers: ['sha256:' + 'c'.repeat(64)] }] }) : json(res, 200, { added: (JSON.parse(body) as { entries: unknown[] }).entries.length })),
  '/api/v1/environments/prod/images': (_req, res) => json(res, 200, { added: 1, removed: 0 }),
  '/forbidden/api/v1/catalog': (_req, res) => json(res, 403, { error: { code: 'FORBIDDEN', message: 'this token lacks the admin scope' } }),
  '/unauthenticated/api/v1/analysis': (_req, res) => json(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'unknown or revoked token' } }),
  '/proxy/api/v1/analysis': (_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>');
  },
  '/empty/api/v1/analysis': (_req, res) => {
    res.writeHead(500);
    res.end();
  },
  '/garbage/api/v1/analysis': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"image": ');
  },
  '/hangup/api/v1/analysis': (req) => req.socket.destroy(),
  '/midway/api/v1/analysis': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"image": {');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  '/silent/api/v1/analysis': () => {
    // Never answers: the client's timeout must end the wait.
  },
};

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      last = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      const route = ROUTES[(req.url ?? '').split('?')[0] ?? ''];
      if (route) route(req, res, body);
      else json(res, 404, { error: { code: 'NOT_FOUND', message: `no route ${req.url}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The SextantError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<SextantError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SextantError);
    expect((err as Error).message).not.toContain(TOKEN);
    expect((err as Error).message).not.toContain('\n');
    return err as SextantError;
  }
  throw new Error('expected a failure');
}

describe('serverClient', () => {
  it('sends the bearer token and JSON, and reads typed answers', async () => {
    const client = serverClient({ server: `${base}/`, token: TOKEN });
    expect(client.server).toBe(base);
    const pushed = await client.push({ sbom: {} as never, secrets: [], environment: 'prod' });
    expect(pushed.created).toBe(true);
    expect(pushed.answer.image.reference).toBe('shop:1');
    expect(last?.method).toBe('POST');
    expect(last?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(last?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(last?.body ?? '')).toEqual({ sbom: {}, secrets: [], environment: 'prod' });
    expect(await client.analyse({ schema: 'sextant-local-analysis/1', layers: [], packages: [] })).toEqual(ANSWER);
    expect((await client.listCatalog()).map((e) => `${e.name}:${e.tag}`)).toEqual(['docker.io/library/alpine:3.20']);
    expect(await client.addCatalog([{ name: 'docker.io/library/alpine', tag: '3.20', digest: null, layers: ['sha256:' + 'c'.repeat(64)] }])).toBe(1);
    expect(await client.recordImage('prod', { digest: 'sha256:' + 'b'.repeat(64), workload: 'shop' })).toEqual({ added: 1, removed: 0 });
    expect(JSON.parse(last?.body ?? '')).toEqual({ digest: 'sha256:' + 'b'.repeat(64), workload: 'shop' });
  });

  it('turns the server\u2019s error body into one line naming the status and the server', async () => {
    const forbidden = await failure(serverClient({ server: `${base}/forbidden`, token: TOKEN }).addCatalog([]));
    expect(forbidden.message).toBe(`this token lacks the admin scope (HTTP 403 from ${base}/forbidden)`);
    expect(forbidden.code).toBe('FORBIDDEN');
    const unknown = await failure(serverClient({ server: `${base}/unauthenticated`, token: TOKEN }).analyse({ schema: 'sextant-local-analysis/1', layers: [], packages: [] }));
    expect(unknown.message).toBe(`unknown or revoked token (HTTP 401 from ${base}/unauthenticated)`);
    expect(unknown.code).toBe('AUTH_FAILED');
    const missing = await failure(serverClient({ server: base, token: TOKEN }).base('sha256:' + 'd'.repeat(64)));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/^no route \/api\/v1\/images\/sha256%3Ad+\/base \(HTTP 404 from http:\/\/127\.0\.0\.1:\d+\)$/);
  });

  it('describes answers that are not the API\u2019s: a proxy page, an empty error, a broken body', async () => {
    const payload = { schema: 'sextant-local-analysis/1' as const, layers: [], packages: [] };
    const proxy = await failure(serverClient({ server: `${base}/proxy`, token: TOKEN }).analyse(payload));
    expect(proxy.message).toBe(`the server answered: 502 Bad Gateway (HTTP 502 from ${base}/proxy)`);
    const empty = await failure(serverClient({ server: `${base}/empty`, token: TOKEN }).analyse(payload));
    expect(empty.message).toBe(`the server answered with status 500 (HTTP 500 from ${base}/empty)`);
    const garbage = await failure(serverClient({ server: `${base}/garbage`, token: TOKEN }).analyse(payload));
    expect(garbage.message).toBe(`the Sextant server at ${base}/garbage answered POST /api/v1/analysis with something other than JSON`);
  });

  it('names the server when the connection is refused, closed, or times out', async () => {
    const payload = { schema: 'sextant-local-analysis/1' as const, layers: [], packages: [] };
    const hangup = await failure(serverClient({ server: `${base}/hangup`, token: TOKEN }).analyse(payload));
    expect(hangup.code).toBe('NETWORK');
    expect(hangup.message).toBe(`cannot reach the Sextant server at ${base}/hangup: the connection was closed before the answer was complete`);
    const midway = await failure(serverClient({ server: `${base}/midway`, token: TOKEN }).analyse(payload));
    expect(midway.message).toBe(`cannot reach the Sextant server at ${base}/midway: the connection was closed before the answer was complete`);
    const silent = await failure(serverClient({ server: `${base}/silent`, token: TOKEN, timeoutMs: 300 }).analyse(payload));
    expect(silent.message).toBe(`cannot reach the Sextant server at ${base}/silent: timed out`);

    // A port nobody listens on: bind one, then free it.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await failure(serverClient({ server: `http://127.0.0.1:${port}`, token: TOKEN }).listCatalog());
    expect(refused.code).toBe('NETWORK');
    expect(refused.message).toBe(`cannot reach the Sextant server at http://127.0.0.1:${port}: connection refused`);
  });
});

describe('resolveServerConnection', () => {
  it('takes the options first, then SEXTANT_SERVER and SEXTANT_TOKEN', () => {
    const env = { SEXTANT_SERVER: 'https://sextant.example.com/', SEXTANT_TOKEN: 'from-env' };
    expect(resolveServerConnection({}, env)).toEqual({ server: 'https://sextant.example.com', token: 'from-env' });
    expect(resolveServerConnection({ server: 'http://127.0.0.1:8080', token: 'flag' }, env)).toEqual({ server: 'http://127.0.0.1:8080', token: 'flag' });
    // cves and quickview ask a server only when --server is given.
    expect(() => resolveServerConnection({}, env, false)).toThrow(/no Sextant server given: use --server URL/);
    expect(resolveServerConnection({ server: 'http://h:1' }, env, false).token).toBe('from-env');
  });

  it('fails with one line when the server or the token is missing or the URL is wrong', () => {
    const usage = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect((err as SextantError).code).toBe('USAGE');
        return (err as Error).message;
      }
      throw new Error('expected a usage error');
    };
    expect(usage(() => resolveServerConnection({}, {}))).toBe('no Sextant server given: use --server URL or set SEXTANT_SERVER');
    expect(usage(() => resolveServerConnection({ server: 'http://h:1' }, {}))).toBe('no API token for http://h:1: use --token T or set SEXTANT_TOKEN');
    expect(usage(() => resolveServerConnection({ server: 'ftp://h', token: 't' }, {}))).toMatch(/^invalid server URL "ftp:\/\/h"/);
    expect(usage(() => resolveServerConnection({ server: 'not a url', token: 't' }, {}))).toMatch(/^invalid server URL/);
    const withCredentials = usage(() => resolveServerConnection({ server: 'https://me:hunter2@h', token: 't' }, {}));
    expect(withCredentials).not.toContain('hunter2');
    expect(usage(() => resolveServerConnection({ server: 'https://me:hunter2@h' }, {}))).toBe('no API token for https://h: use --token T or set SEXTANT_TOKEN');
    expect(normaliseServerUrl('https://h/prefix//?q=1#x')).toBe('https://h/prefix');
  });
});
