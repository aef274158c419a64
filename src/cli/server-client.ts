// The CLI's client of a Sextant server's HTTP API (/api/v1, docs/api.md), on global fetch, and the `--server` /
// `--token` options every command that talks to a server shares. Errors are one-line SextantErrors; the token is
// sent in the Authorization header and never appears in a message.
import type { Command } from 'commander';
import { SextantError } from '../core/errors.ts';
import { describeNetworkError, errorCodeForStatus } from '../core/network-errors.ts';
import type { AnalysisAnswer, BaseMatch, LocalAnalysisPayload, PushPayload } from '../platform/model.ts';
import type { CatalogEntry, ListedCatalogEntry } from '../platform/store/platform-store.ts';

export type { CatalogEntry, ListedCatalogEntry };

/** One workload running an image in an environment (`POST /api/v1/environments/{name}/images`). */
export interface RecordedImage {
  digest: string;
  workload?: string;
  namespace?: string;
  workloadType?: string;
}

/** Where the server is and what to authenticate with. */
export interface ServerConnection {
  /** Base URL of the server, without a trailing slash (`https://sextant.example.com`). */
  server: string;
  token: string;
  /** Give up on a request after this long (default 5 minutes: a push of a large SBOM is matched before the answer). */
  timeoutMs?: number;
}

/** The options `--server` and `--token` as commander hands them over. */
export interface ServerCommandOptions {
  server?: string;
  token?: string;
}

/**
 * Add `--server URL` and `--token T` to a command. With `serverFromEnvironment`, `--server` defaults to
 * SEXTANT_SERVER; the token always defaults to SEXTANT_TOKEN.
 */
export function withServerOptions(command: Command, serverFromEnvironment = true): Command {
  return command
    .option('--server <url>', serverFromEnvironment ? 'Sextant server URL (default: $SEXTANT_SERVER)' : 'analyse on this Sextant server: only package URLs and layer digests are sent')
    .option('--token <token>', 'API token for the server (default: $SEXTANT_TOKEN)');
}

/**
 * The server and token from the options, else SEXTANT_SERVER (when `serverFromEnvironment`) and SEXTANT_TOKEN.
 * Throws USAGE when one is missing or the URL is not an http(s) URL without credentials.
 */
export function resolveServerConnection(opts: ServerCommandOptions, env: NodeJS.ProcessEnv = process.env, serverFromEnvironment = true): ServerConnection {
  const server = opts.server ?? (serverFromEnvironment ? env.SEXTANT_SERVER : undefined);
  if (!server) throw new SextantError('USAGE', 'no Sextant server given: use --server URL or set SEXTANT_SERVER');
  const token = opts.token ?? env.SEXTANT_TOKEN;
  if (!token) throw new SextantError('USAGE', `no API token for ${displayServer(server)}: use --token T or set SEXTANT_TOKEN`);
  return { server: normaliseServerUrl(server), token };
}

/** The base URL checked and without trailing slashes; USAGE for anything but http(s) URLs without credentials. */
export function normaliseServerUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new SextantError('USAGE', `invalid server URL "${server}" (use http://HOST[:PORT] or https://HOST[:PORT])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SextantError('USAGE', `invalid server URL "${server}" (use http:// or https://)`);
  if (url.username || url.password) throw new SextantError('USAGE', `the server URL must not carry credentials: give the token with --token or SEXTANT_TOKEN`);
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** A server URL as messages show it: never with credentials, even when the user typed some. */
function displayServer(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return server;
  }
}

/** Typed calls to the routes the CLI uses. */
export interface ServerClient {
  readonly server: string;
  /** `POST /api/v1/images`: store and match a pushed image; `created` is false when the image was already stored. */
  push(payload: PushPayload): Promise<{ answer: AnalysisAnswer; created: boolean }>;
  /** `POST /api/v1/analysis`: findings and base image for a local analysis; the server keeps nothing. */
  analyse(payload: LocalAnalysisPayload): Promise<AnalysisAnswer>;
  /** `GET /api/v1/images/{digest}/base`. */
  base(digest: string): Promise<BaseMatch>;
  /** `GET /api/v1/catalog`. */
  listCatalog(): Promise<ListedCatalogEntry[]>;
  /** `POST /api/v1/catalog`: how many entries the server added. */
  addCatalog(entries: readonly CatalogEntry[]): Promise<number>;
  /** `POST /api/v1/environments/{environment}/images`: record one workload running an image. */
  recordImage(environment: string, image: RecordedImage): Promise<{ added: number; removed: number }>;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** A client of the server at `connection.server`. */
export function serverClient(connection: ServerConnection): ServerClient {
  const server = normaliseServerUrl(connection.server);
  const call = <T>(method: string, path: string, body?: unknown) => request<T>({ ...connection, server }, method, path, body);
  return {
    server,
    async push(payload) {
      const { status, body } = await call<AnalysisAnswer>('POST', '/api/v1/images', payload);
      return { answer: body, created: status === 201 };
    },
    async analyse(payload) {
      return (await call<AnalysisAnswer>('POST', '/api/v1/analysis', payload)).body;
    },
    async base(digest) {
      return (await call<BaseMatch>('GET', `/api/v1/images/${encodeURIComponent(digest)}/base`)).body;
    },
    async listCatalog() {
      return (await call<{ entries: ListedCatalogEntry[] }>('GET', '/api/v1/catalog')).body.entries;
    },
    async addCatalog(entries) {
      return (await call<{ added: number }>('POST', '/api/v1/catalog', { entries })).body.added;
    },
    async recordImage(environment, image) {
      return (await call<{ added: number; removed: number }>('POST', `/api/v1/environments/${encodeURIComponent(environment)}/images`, image)).body;
    },
  };
}

/** One request; the answer's status and parsed JSON body (undefined for 204). */
async function request<T>(connection: ServerConnection, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const { server, token } = connection;
  const signal = AbortSignal.timeout(connection.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let status: number;
  let text: string;
  try {
    const res = await fetch(`${server}${path}`, { method, headers, signal, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    throw new SextantError('NETWORK', `cannot reach the Sextant server at ${server}: ${describeNetworkError(err)}`, { cause: err });
  }
  if (status < 200 || status > 299) {
    throw new SextantError(errorCodeForStatus(status), `${serverMessage(text, status)} (HTTP ${status} from ${server})`);
  }
  if (status === 204 || text === '') return { status, body: undefined as T };
  try {
    return { status, body: JSON.parse(text) as T };
  } catch (err) {
    throw new SextantError('CORRUPT', `the Sextant server at ${server} answered ${method} ${path} with something other than JSON`, { cause: err });
  }
}

/** The server's `{error: {message}}`, else the first line of what it sent, else a generic line. */
function serverMessage(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    const message = parsed.error?.message;
    if (typeof message === 'string' && message.trim()) return oneLine(message);
  } catch {
    // Not JSON: a proxy's error page, say. Its first line is still the best clue.
  }
  const first = oneLine(text.replace(/<[^>]*>/g, ' '));
  return first ? `the server answered: ${first}` : `the server answered with status ${status}`;
}

function oneLine(text: string): string {
  const line = text.trim().split('\n').find((l) => l.trim()) ?? '';
  const squeezed = line.replace(/\s+/g, ' ').trim();
  return squeezed.length > 200 ? `${squeezed.slice(0, 200)}…` : squeezed;
}
