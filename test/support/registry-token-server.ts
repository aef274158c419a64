// A small token service for distribution's `auth: token` mode: checks credentials, issues RS256 JWTs with an x5c chain.
import { randomUUID, sign, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One token request as the service saw it, for assertions (caching, scopes, who asked). */
export interface TokenRequestRecord {
  method: string;
  account: string | null;
  /** `basic`, `password`, `refresh_token`, or `anonymous`. */
  via: string;
  service: string | null;
  scopes: string[];
  granted: boolean;
}

/** How to start a token service. */
export interface TokenServerOptions {
  /** PEM private key (RSA) the tokens are signed with. */
  keyPem: string;
  /** PEM certificate of that key; the registry's `rootcertbundle` must hold it. */
  certPem: string;
  /** Users and their passwords. */
  users: Record<string, string>;
  /** OAuth2 refresh tokens (Docker's `identitytoken`) and the user each stands for. */
  refreshTokens?: Record<string, string>;
  /** Must equal the registry's `auth.token.service`. */
  service: string;
  /** Must equal the registry's `auth.token.issuer`. */
  issuer: string;
  /** Grant `pull` to requests without credentials, as Docker Hub does for public images. */
  anonymousPull?: boolean;
}

/** A running token service. */
export interface TokenServer {
  /** The realm to configure in the registry (`http://127.0.0.1:PORT/token`). */
  realm: string;
  /** Every request so far, oldest first. */
  requests: TokenRequestRecord[];
  stop(): Promise<void>;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** Start the token service on 127.0.0.1 with a free port. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const requests: TokenRequestRecord[] = [];
  // distribution verifies the x5c chain against its rootcertbundle, then checks the signature with the leaf's key.
  const x5c = [new X509Certificate(options.certPem).raw.toString('base64')];

  const issue = (subject: string, scopes: string[], allowed: readonly string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes
      .map((s) => parseScope(s))
      .filter((s): s is NonNullable<typeof s> => s !== null && s.type === 'repository')
      .map((s) => ({ type: s.type, name: s.name, actions: s.actions.filter((a) => allowed.includes(a)) }));
    const header = { alg: 'RS256', typ: 'JWT', x5c };
    const claims = { iss: options.issuer, sub: subject, aud: options.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), options.keyPem);
    return { token: `${input}.${b64url(signature)}`, expires_in: 300, issued_at: new Date(now * 1000).toISOString() };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token') return send(res, 404, { error: 'not found' });
    let params = url.searchParams;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    }
    const scopes = params.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    const record: TokenRequestRecord = { method: req.method ?? 'GET', account: null, via: 'anonymous', service: params.get('service'), scopes, granted: false };
    requests.push(record);
    let user: string | null = null;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (req.method === 'POST' && params.get('grant_type') === 'refresh_token') {
      record.via = 'refresh_token';
      user = options.refreshTokens?.[params.get('refresh_token') ?? ''] ?? null;
      if (!user) return send(res, 401, { error: 'invalid_grant' });
    } else if (req.method === 'POST' && params.get('grant_type') === 'password') {
      record.via = 'password';
      const name = params.get('username') ?? '';
      if (options.users[name] === undefined || options.users[name] !== params.get('password')) return send(res, 401, { error: 'invalid_grant' });
      user = name;
    } else if (basic?.[1]) {
      record.via = 'basic';
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const name = decoded.slice(0, colon);
      if (colon < 0 || options.users[name] === undefined || options.users[name] !== decoded.slice(colon + 1)) {
        res.setHeader('www-authenticate', 'Basic realm="sextant-test-token"');
        return send(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'invalid credentials' }] });
      }
      user = name;
    } else if (!options.anonymousPull) {
      res.setHeader('www-authenticate', 'Basic realm="sextant-test-token"');
      return send(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'credentials required' }] });
    }
    record.account = user;
    record.granted = true;
    const token = issue(user ?? '', scopes, user ? ['pull', 'push'] : ['pull']);
    // Both names: distribution's clients read `token`, OAuth2 clients `access_token`.
    return send(res, 200, { ...token, access_token: token.token });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `repository:name:pull,push` → its parts; the name may itself hold no colon, but the actions come last. */
function parseScope(scope: string): { type: string; name: string; actions: string[] } | null {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return null;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(',') };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
