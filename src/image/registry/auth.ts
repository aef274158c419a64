// Registry authentication: WWW-Authenticate challenges, Basic headers, and Bearer tokens fetched from the realm and cached per scope.
import { SextantError } from '../../core/errors.ts';
import type { RegistryCredentials } from './docker-config.ts';

/** One challenge from a WWW-Authenticate header: its scheme (lower-cased) and its parameters. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parse a WWW-Authenticate header into its challenges (`Bearer realm="…",service="…"`, `Basic realm="…"`).
 * RFC 7235 allows several challenges in one header, separated by commas like their parameters: a token not
 * followed by `=` starts a new challenge.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const skip = (re: RegExp): void => {
    while (i < header.length && re.test(header.charAt(i))) i++;
  };
  const scan = (re: RegExp): string => {
    const start = i;
    skip(re);
    return header.slice(start, i);
  };
  let current: Challenge | null = null;
  while (i < header.length) {
    skip(/[\s,]/);
    const word = scan(/[^\s,=]/);
    if (!word) {
      i++;
      continue;
    }
    skip(/\s/);
    if (header.charAt(i) !== '=' || !current) {
      current = { scheme: word.toLowerCase(), params: {} };
      out.push(current);
      continue;
    }
    i++;
    skip(/\s/);
    let value = '';
    if (header.charAt(i) === '"') {
      i++;
      while (i < header.length && header.charAt(i) !== '"') {
        if (header.charAt(i) === '\\') i++;
        value += header.charAt(i);
        i++;
      }
      i++;
    } else {
      value = scan(/[^\s,]/);
    }
    current.params[word.toLowerCase()] = value;
  }
  return out;
}

/** The `Authorization` value for HTTP Basic. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** The scope string a token is requested for: `repository:<repo>:pull` or `…:pull,push`. */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** Performs one HTTP exchange for the token service; the client passes its own fetch (TLS and error mapping). */
export type TokenFetch = (url: string, init: { method?: string; headers: Record<string, string>; body?: string }) => Promise<Response>;

/** What a token request needs besides the challenge. */
export interface TokenRequest {
  /** Registry host as the user named it, for messages. */
  host: string;
  repository: string;
  scope: string;
  credentials: RegistryCredentials | null;
  fetch: TokenFetch;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens live at least this long when the service does not say (the distribution spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
/** Refresh a little early so a token does not expire between the check and the request. */
const EXPIRY_MARGIN_MS = 10_000;

/**
 * Bearer tokens for one registry, cached per realm, service and scope. Concurrent requests for the same scope
 * share one token request, so pulling many layers at once asks the token service once.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  /** A cached, unexpired token for the challenge and scope, if any. */
  cached(challenge: Challenge, scope: string): string | null {
    const hit = this.tokens.get(cacheKey(challenge, scope));
    return hit && hit.expiresAt > Date.now() ? hit.token : null;
  }

  /** Fetch a fresh token (dropping any cached one) and remember it. */
  refresh(challenge: Challenge, req: TokenRequest): Promise<string> {
    const key = cacheKey(challenge, req.scope);
    this.tokens.delete(key);
    let p = this.pending.get(key);
    if (!p) {
      p = fetchToken(challenge, req)
        .then(({ token, expiresAt }) => {
          this.tokens.set(key, { token, expiresAt });
          return token;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }
}

function cacheKey(challenge: Challenge, scope: string): string {
  return `${challenge.params.realm ?? ''}\n${challenge.params.service ?? ''}\n${scope}`;
}

/** The error every failed authentication turns into, naming the registry and repository. */
export function authFailed(host: string, repository: string, detail = '', cause?: unknown): SextantError {
  return new SextantError('AUTH_FAILED', `registry ${host}: authentication failed for ${repository} (401)${detail}`, { cause });
}

/** Ask the challenge's realm for a token. Docker's OAuth2 flow (POST) for identity tokens, else the GET token flow. */
async function fetchToken(challenge: Challenge, req: TokenRequest): Promise<CachedToken> {
  const realm = challenge.params.realm;
  if (!realm) throw new SextantError('REGISTRY', `registry ${req.host}: Bearer challenge without a realm`);
  let url: URL;
  try {
    url = new URL(realm);
  } catch (err) {
    throw new SextantError('REGISTRY', `registry ${req.host}: invalid token realm "${realm}"`, { cause: err });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SextantError('REGISTRY', `registry ${req.host}: token realm "${realm}" is not an http(s) URL`);
  }
  const scopes = [req.scope];
  // The registry may name a scope of its own (a different action set); ask for it too so the token satisfies it.
  if (challenge.params.scope && challenge.params.scope !== req.scope) scopes.push(...challenge.params.scope.split(' '));
  const service = challenge.params.service;
  const creds = req.credentials;
  let res: Response;
  if (creds && 'identityToken' in creds) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'sextant' });
    if (service) form.set('service', service);
    form.set('scope', scopes.join(' '));
    res = await req.fetch(url.toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } else {
    if (service) url.searchParams.set('service', service);
    for (const s of scopes) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (creds) {
      url.searchParams.set('account', creds.username);
      headers.authorization = basicAuthorization(creds.username, creds.password);
    }
    res = await req.fetch(url.toString(), { headers });
  }
  if (res.status === 401) {
    await res.body?.cancel();
    throw authFailed(req.host, req.repository, creds ? '' : noCredentialsHint(req.host));
  }
  if (res.status === 403) {
    await res.body?.cancel();
    throw new SextantError('FORBIDDEN', `registry ${req.host}: access to ${req.repository} denied by the token service (403)`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new SextantError('REGISTRY', `registry ${req.host}: token service ${url.host} answered ${res.status}`);
  }
  const text = await res.text();
  if (text.length > 1 << 20) throw new SextantError('LIMIT_EXCEEDED', `registry ${req.host}: token response is larger than 1 MiB`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new SextantError('REGISTRY', `registry ${req.host}: token service ${url.host} returned invalid JSON`, { cause: err });
  }
  const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
  if (typeof token !== 'string' || !token) throw new SextantError('REGISTRY', `registry ${req.host}: token service ${url.host} returned no token`);
  const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
  const issued = typeof body.issued_at === 'string' ? Date.parse(body.issued_at) : NaN;
  // Trust issued_at only when it is near our clock: skewed servers would otherwise make tokens look expired.
  const start = Number.isFinite(issued) && Math.abs(issued - Date.now()) < 5 * 60_000 ? issued : Date.now();
  return { token, expiresAt: start + seconds * 1000 - EXPIRY_MARGIN_MS };
}

/** Appended to AUTH_FAILED when no credentials were found, so the user knows what to set. */
export function noCredentialsHint(host: string, helper: string | null = null): string {
  const viaHelper = helper ? `; docker config names credential helper ${helper}, which Sextant does not run` : '';
  return `; no credentials found for ${host} (docker login, or SEXTANT_REGISTRY_USER and SEXTANT_REGISTRY_PASSWORD)${viaHelper}`;
}
