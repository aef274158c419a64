// OCI Distribution v2 client on global fetch: authenticated requests, manifests by tag or digest, streamed blobs.
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import tls from 'node:tls';
import { SextantError } from '../../core/errors.ts';
import { describeNetworkError } from '../../core/network-errors.ts';
import type { FetchedManifest } from '../blob-store.ts';
import { isDigest } from '../descriptor.ts';
import { MANIFEST_ACCEPT } from '../media-types.ts';
import { authFailed, basicAuthorization, type Challenge, noCredentialsHint, parseChallenges, repositoryScope, TokenCache } from './auth.ts';
import { type CredentialLookup, type CredentialSources, lookupCredentials, type RegistryCredentials } from './docker-config.ts';
import { registryUrl } from './registry-type.ts';

/** Largest manifest or index Sextant fetches from a registry (distribution itself refuses to store larger ones). */
export const MAX_MANIFEST_BYTES = 4 * 2 ** 20;

/** How long a manifest, token or other small request may take in all. Blob streams have no overall limit. */
const SMALL_REQUEST_TIMEOUT_MS = 60_000;
const MAX_REDIRECTS = 5;
const USER_AGENT = 'sextant/0.1';

/** How a client reaches one registry. */
export interface RegistryClientOptions {
  /** Registry host with optional port, as in an image reference (`docker.io` is mapped to Docker Hub's API host). */
  registry: string;
  /** Allow plain HTTP: HTTPS is tried first and HTTP used when the port does not speak TLS. */
  insecure?: boolean;
  /**
   * Extra CA certificates (PEM) to trust, for registries with a private or self-signed CA. Node's global fetch
   * takes no per-request CA without the undici package, so these are added to the process's default CA set
   * (additively; the system and bundled roots stay trusted).
   */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** Credentials to use; `null` for none; omitted: looked up in the environment and Docker's config on first 401. */
  credentials?: RegistryCredentials | null;
  /** Where the lookup reads from when `credentials` is omitted (tests point it at a temporary DOCKER_CONFIG). */
  credentialSources?: CredentialSources;
}

/** One request through {@link RegistryClient.request}. */
export interface RegistryRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Called for each send, so a body can be replayed after an auth challenge or a 307/308 redirect. */
  body?: () => Buffer | Readable;
  /** Abort the whole exchange after this many milliseconds; omit for streams of unbounded length. */
  timeoutMs?: number;
}

/** A blob being downloaded: its bytes as a stream, and the length the registry announced. */
export interface BlobStream {
  stream: Readable;
  size: number | null;
}

const trustedCa = new Set<string>();

/** Add PEM certificates to the CA set every later TLS connection of this process trusts. Idempotent. */
export function trustCertificates(ca: string | Buffer | readonly (string | Buffer)[]): void {
  const list = (Array.isArray(ca) ? ca : [ca]) as (string | Buffer)[];
  const fresh = list.map((c) => c.toString()).filter((c) => !trustedCa.has(c));
  if (fresh.length === 0) return;
  if (typeof tls.setDefaultCACertificates !== 'function') {
    throw new SextantError('UNSUPPORTED', `extra CA certificates need Node.js 22.19 or 24.5 and later (this is ${process.version})`);
  }
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), ...fresh]);
  for (const c of fresh) trustedCa.add(c);
}

/** A client for one registry host. It remembers the scheme, the auth challenge and the tokens it learned. */
export class RegistryClient {
  /** The registry host as the user named it, used in every message. */
  readonly host: string;
  /** Whether plain HTTP is allowed (see {@link RegistryClientOptions.insecure}). */
  readonly insecure: boolean;
  private readonly options: RegistryClientOptions;
  private base: Promise<string> | null = null;
  private challenge: Challenge | null = null;
  private readonly tokens = new TokenCache();
  private lookup: Promise<CredentialLookup> | null = null;

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.host = options.registry;
    this.insecure = options.insecure ?? false;
    if (options.ca !== undefined) trustCertificates(options.ca);
    if (options.credentials !== undefined) {
      this.lookup = Promise.resolve({ credentials: options.credentials, source: options.credentials ? 'options' : null, helper: null });
    }
  }

  /** API base URL, e.g. `https://registry-1.docker.io`. With `insecure`, probes HTTPS once and falls back to HTTP. */
  baseUrl(): Promise<string> {
    this.base ??= this.probeScheme();
    return this.base;
  }

  private async probeScheme(): Promise<string> {
    const https = registryUrl(this.host, false);
    if (!this.insecure) return https;
    try {
      const res = await this.fetchOnce(new URL(`${https}/v2/`), { method: 'GET', headers: {}, redirect: 'manual' }, 10_000);
      await res.body?.cancel();
      return https;
    } catch (err) {
      // A certificate problem means the port does speak TLS: falling back to HTTP would only hide the real fault.
      if (isSextantNetwork(err) && /certificate/.test(err.message)) throw err;
      return registryUrl(this.host, true);
    }
  }

  /**
   * Send an authenticated request for `repository` with the given actions (`pull`, or `pull,push`), answering
   * one 401 challenge (Bearer token or Basic) and following redirects. Returns any response other than 401;
   * a 401 that survives authentication is AUTH_FAILED. `pathOrUrl` is `/v2/…` or an absolute URL on the registry.
   */
  async request(repository: string, actions: readonly string[], pathOrUrl: string, init: RegistryRequest = {}): Promise<Response> {
    const base = await this.baseUrl();
    const url = new URL(pathOrUrl, base);
    const scope = repositoryScope(repository, actions);
    let authorization = await this.knownAuthorization(repository, scope);
    let usedBasic = authorization?.startsWith('Basic ') ?? false;
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(url, init, authorization);
      if (res.status !== 401) return res;
      const header = res.headers.get('www-authenticate') ?? '';
      await res.body?.cancel();
      // Basic credentials are never stale, so a second try with them would only repeat the failure.
      if (attempt > 0 || usedBasic) throw await this.authFailure(repository);
      const challenge = pickChallenge(parseChallenges(header));
      if (!challenge) throw authFailed(this.host, repository, `; unusable WWW-Authenticate "${header.slice(0, 100)}"`);
      this.challenge = challenge;
      authorization = await this.authorize(challenge, repository, scope, true);
      usedBasic = challenge.scheme === 'basic';
    }
  }

  /** Fetch a manifest or index by tag or digest, bounded to 4 MiB, and verify or compute its digest. */
  async getManifest(repository: string, reference: string, fallbackMediaType: string | null = null): Promise<FetchedManifest> {
    const byDigest = isDigest(reference);
    const name = `${repository}${byDigest ? '@' : ':'}${reference}`;
    const res = await this.request(repository, ['pull'], `/v2/${repository}/manifests/${reference}`, {
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
      timeoutMs: SMALL_REQUEST_TIMEOUT_MS,
    });
    if (res.status === 404) {
      throw new SextantError('NOT_FOUND', `registry ${this.host}: manifest ${name} not found${await errorDetail(res)}`);
    }
    await this.expectOk(res, repository, `manifest ${name}`);
    const bytes = await this.readBody(res, MAX_MANIFEST_BYTES, `manifest ${name}`);
    const sha256 = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    let digest = sha256;
    if (byDigest) {
      const [alg] = reference.split(':');
      const actual = alg === 'sha256' ? sha256 : `${alg}:${createHash(alg as string).update(bytes).digest('hex')}`;
      if (actual !== reference) {
        throw new SextantError('DIGEST_MISMATCH', `registry ${this.host}: manifest ${name} has digest ${actual}`);
      }
      digest = reference;
    } else {
      const header = res.headers.get('docker-content-digest');
      if (header?.startsWith('sha256:') && header !== sha256) {
        throw new SextantError('DIGEST_MISMATCH', `registry ${this.host}: manifest ${name} has digest ${sha256}, registry says ${header}`);
      }
    }
    const contentType = res.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    const generic = contentType === '' || contentType === 'application/json' || contentType === 'application/octet-stream' || contentType === 'text/plain';
    return { bytes, mediaType: generic ? fallbackMediaType : contentType, digest };
  }

  /**
   * Start downloading a blob. The body is handed over as it arrives, never buffered, so layers stream straight
   * from the registry (or the storage it redirects to). Destroying the stream aborts the download.
   */
  async openBlob(repository: string, digest: string): Promise<BlobStream> {
    const res = await this.request(repository, ['pull'], `/v2/${repository}/blobs/${digest}`);
    if (res.status === 404) {
      throw new SextantError('NOT_FOUND', `registry ${this.host}: blob ${digest} not found in ${repository}${await errorDetail(res)}`);
    }
    await this.expectOk(res, repository, `blob ${digest}`);
    if (!res.body) throw new SextantError('REGISTRY', `registry ${this.host}: empty answer for blob ${digest} in ${repository}`);
    const length = Number(res.headers.get('content-length'));
    const source = Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>);
    const out = new PassThrough();
    source.on('error', (err) => out.destroy(this.networkError(err, ` while downloading blob ${digest}`)));
    // A consumer that stops early must not leave the connection draining in the background.
    out.on('close', () => {
      if (!source.destroyed) source.destroy();
    });
    source.pipe(out);
    return { stream: out, size: res.headers.has('content-length') && Number.isSafeInteger(length) ? length : null };
  }

  /**
   * Throw the SextantError a non-2xx answer stands for: FORBIDDEN for 403, NOT_FOUND for 404, AUTH_FAILED
   * for 401, REGISTRY otherwise. `what` names the object in the message (`blob sha256:…`).
   */
  async expectOk(res: Response, repository: string, what: string): Promise<void> {
    if (res.ok) return;
    const detail = await errorDetail(res);
    switch (res.status) {
      case 401:
        throw await this.authFailure(repository);
      case 403:
        throw new SextantError('FORBIDDEN', `registry ${this.host}: access to ${repository} denied (403)${detail}`);
      case 404:
        throw new SextantError('NOT_FOUND', `registry ${this.host}: ${what} not found in ${repository}${detail}`);
      case 429:
        throw new SextantError('REGISTRY', `registry ${this.host}: too many requests (429, rate limited) for ${what}${detail}`);
      default:
        throw new SextantError('REGISTRY', `registry ${this.host}: unexpected answer ${res.status} for ${what} in ${repository}${detail}`);
    }
  }

  /** Read a response body into memory, refusing more than `maxBytes` with LIMIT_EXCEEDED. */
  async readBody(res: Response, maxBytes: number, what: string): Promise<Buffer> {
    const tooBig = () => new SextantError('LIMIT_EXCEEDED', `registry ${this.host}: ${what} is larger than ${maxBytes} bytes`);
    const declared = Number(res.headers.get('content-length'));
    if (res.headers.has('content-length') && declared > maxBytes) {
      await res.body?.cancel();
      throw tooBig();
    }
    if (!res.body) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    let total = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel();
          throw tooBig();
        }
        chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
    } catch (err) {
      if (err instanceof SextantError) throw err;
      throw this.networkError(err, ` while reading ${what}`);
    }
    return Buffer.concat(chunks, total);
  }

  private async authFailure(repository: string): Promise<SextantError> {
    const { credentials, source, helper } = await this.credentials();
    if (!credentials) return authFailed(this.host, repository, noCredentialsHint(this.host, helper));
    return authFailed(this.host, repository, source && source !== 'options' ? `; credentials from ${source} were rejected` : '');
  }

  private credentials(): Promise<CredentialLookup> {
    this.lookup ??= lookupCredentials(this.host, this.options.credentialSources);
    return this.lookup;
  }

  /** The Authorization header the last challenge implies for this scope, without a round trip when cached. */
  private async knownAuthorization(repository: string, scope: string): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'bearer') {
      // A new scope under a known Bearer challenge: get its token now rather than after a predictable 401.
      const cached = this.tokens.cached(challenge, scope);
      return cached !== null ? `Bearer ${cached}` : this.authorize(challenge, repository, scope, true);
    }
    return this.authorize(challenge, repository, scope, false);
  }

  private async authorize(challenge: Challenge, repository: string, scope: string, refresh: boolean): Promise<string> {
    const { credentials, helper } = await this.credentials();
    if (challenge.scheme === 'basic') {
      if (!credentials) throw authFailed(this.host, repository, noCredentialsHint(this.host, helper));
      if ('identityToken' in credentials) throw authFailed(this.host, repository, '; an identity token cannot answer a Basic challenge');
      return basicAuthorization(credentials.username, credentials.password);
    }
    const cached = refresh ? null : this.tokens.cached(challenge, scope);
    if (cached) return `Bearer ${cached}`;
    try {
      const token = await this.tokens.refresh(challenge, {
        host: this.host,
        repository,
        scope,
        credentials,
        fetch: (u, init) => this.fetchOnce(new URL(u), { method: 'GET', ...init, redirect: 'follow' }, SMALL_REQUEST_TIMEOUT_MS),
      });
      return `Bearer ${token}`;
    } catch (err) {
      // The token service refusing the credentials is the same failure as the registry refusing them: say whose they were.
      if (err instanceof SextantError && err.code === 'AUTH_FAILED') throw await this.authFailure(repository);
      throw err;
    }
  }

  /** One exchange, following redirects by hand so the Authorization header never leaves the registry's host. */
  private async send(url: URL, init: RegistryRequest, authorization: string | undefined): Promise<Response> {
    let current = url;
    let method = init.method ?? 'GET';
    let withBody = init.body !== undefined;
    let auth = authorization;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { ...init.headers };
      if (auth) headers.authorization = auth;
      const body = withBody && init.body ? init.body() : undefined;
      const res = await this.fetchOnce(current, { method, headers, body, redirect: 'manual' }, init.timeoutMs);
      const location = res.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      await res.body?.cancel();
      const next = new URL(location, current);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new SextantError('REGISTRY', `registry ${this.host}: redirected to unsupported URL ${next.protocol}`);
      }
      if (current.protocol === 'https:' && next.protocol === 'http:' && !this.insecure) {
        throw new SextantError('REGISTRY', `registry ${this.host}: refusing redirect from HTTPS to plain HTTP (${next.host})`);
      }
      // Blob storage (S3, GCS, CDNs) authenticates by signed URL and may reject, or log, a foreign token.
      if (next.host !== current.host) auth = undefined;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        withBody = false;
      }
      current = next;
    }
    throw new SextantError('REGISTRY', `registry ${this.host}: more than ${MAX_REDIRECTS} redirects for ${url.pathname}`);
  }

  /** A single fetch with the user agent and timeout applied; transport failures become NETWORK errors. */
  private async fetchOnce(
    url: URL,
    init: { method: string; headers: Record<string, string>; body?: Buffer | Readable | string; redirect: 'manual' | 'follow' },
    timeoutMs?: number,
  ): Promise<Response> {
    const body = init.body instanceof Readable ? (Readable.toWeb(init.body) as unknown as ReadableStream<Uint8Array>) : init.body;
    try {
      return await fetch(url, {
        method: init.method,
        headers: { 'user-agent': USER_AGENT, ...init.headers },
        body,
        redirect: init.redirect,
        signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : null,
        ...(init.body instanceof Readable ? { duplex: 'half' } : {}),
      });
    } catch (err) {
      throw this.networkError(err, '', url.host);
    }
  }

  private networkError(err: unknown, during = '', host = this.host): SextantError {
    if (err instanceof SextantError) return err;
    const where = host === this.host || host === new URL(registryUrl(this.host)).host ? `registry ${this.host}` : `${host} (for registry ${this.host})`;
    return new SextantError('NETWORK', `cannot reach ${where}: ${describeNetworkError(err, REGISTRY_HINTS)}${during}`, { cause: err });
  }
}

/** How a transport failure's words name a registry: its CA, and what a TLS handshake with a plain-HTTP one needs. */
const REGISTRY_HINTS = { peer: 'registry', handshake: 'plain-HTTP registries need --insecure-registry' };

function isSextantNetwork(err: unknown): err is SextantError {
  return err instanceof SextantError && err.code === 'NETWORK';
}

/** Prefer Bearer (scoped tokens) over Basic when a registry offers both; ignore schemes Sextant cannot answer. */
function pickChallenge(challenges: Challenge[]): Challenge | null {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic') ?? null;
}

/** ` (CODE: message)` from a distribution error body, or `` when there is none; reads at most 64 KiB of it. */
async function errorDetail(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < 64 * 1024) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
    await reader.cancel();
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = doc.errors?.[0];
    if (first && typeof first.code === 'string') {
      return ` (${first.code}${typeof first.message === 'string' && first.message ? `: ${first.message.slice(0, 200)}` : ''})`;
    }
  } catch {
    // Not JSON, too long, or the body broke off: the status alone has to do.
  }
  return '';
}
