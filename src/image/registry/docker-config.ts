// Registry credentials: SEXTANT_REGISTRY_USER/PASSWORD from the environment, else Docker's config.json `auths`.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SextantError } from '../../core/errors.ts';
import { apiHost } from './registry-type.ts';

/** What Sextant can authenticate to a registry with: a user and password, or an OAuth2 refresh token from `docker login`. */
export type RegistryCredentials = { username: string; password: string } | { identityToken: string; username: string | null };

/** The outcome of a credential lookup for one registry host. */
export interface CredentialLookup {
  credentials: RegistryCredentials | null;
  /** Where the credentials came from (`SEXTANT_REGISTRY_USER`, or the config file path), for messages. */
  source: string | null;
  /**
   * A Docker credential helper configured for the host (`credHelpers`, or `credsStore`) when no `auths` entry
   * answered. Sextant does not run helpers (they are external programs); callers mention it in auth errors.
   */
  helper: string | null;
}

/** Where to look: the environment (defaults to `process.env`) and the home directory (defaults to the user's). */
export interface CredentialSources {
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
}

/** Path of Docker's client config: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(sources: CredentialSources = {}): string {
  const env = sources.env ?? process.env;
  const dir = env.DOCKER_CONFIG || join(sources.homeDir ?? homedir(), '.docker');
  return join(dir, 'config.json');
}

/**
 * Find credentials for `host` (`host[:port]` as in an image reference). The environment variables apply to every
 * registry, which suits CI jobs that talk to one. Throws CORRUPT when config.json is not valid JSON.
 */
export async function lookupCredentials(host: string, sources: CredentialSources = {}): Promise<CredentialLookup> {
  const env = sources.env ?? process.env;
  const user = env.SEXTANT_REGISTRY_USER;
  const password = env.SEXTANT_REGISTRY_PASSWORD;
  if (user && password !== undefined) {
    return { credentials: { username: user, password }, source: 'SEXTANT_REGISTRY_USER', helper: null };
  }
  const path = dockerConfigPath(sources);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return { credentials: null, source: null, helper: null };
    }
    throw new SextantError('CORRUPT', `cannot read docker config ${path}: ${(err as Error).message}`, { cause: err });
  }
  return credentialsFromConfig(text, path, host);
}

/** Credentials for `host` from the text of a Docker config file; `path` names it in errors. Exported for tests. */
export function credentialsFromConfig(text: string, path: string, host: string): CredentialLookup {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SextantError('CORRUPT', `docker config ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const config = isObject(doc) ? doc : {};
  const wanted = canonicalHost(host);
  const auths = isObject(config.auths) ? config.auths : {};
  // Exact spellings first, so an entry written for this very name beats one that merely normalises to it.
  const keys = Object.keys(auths);
  const exact = keys.find((k) => k === host);
  const key = exact ?? keys.find((k) => canonicalHost(k) === wanted);
  if (key !== undefined) {
    const credentials = parseEntry(auths[key], path, key);
    if (credentials) return { credentials, source: path, helper: null };
  }
  const helpers = isObject(config.credHelpers) ? config.credHelpers : {};
  const helperKey = Object.keys(helpers).find((k) => canonicalHost(k) === wanted);
  const helper = helperKey !== undefined ? helpers[helperKey] : config.credsStore;
  return { credentials: null, source: null, helper: typeof helper === 'string' && helper ? `docker-credential-${helper}` : null };
}

/**
 * The name an `auths` key or a reference host stands for: scheme, path and case dropped, and every Docker Hub
 * alias (`https://index.docker.io/v1/` is what `docker login` writes) folded onto one API host.
 */
function canonicalHost(keyOrHost: string): string {
  const noScheme = keyOrHost.trim().replace(/^[a-z]+:\/\//i, '');
  const hostPart = noScheme.split('/')[0] ?? '';
  return apiHost(hostPart);
}

function parseEntry(entry: unknown, path: string, key: string): RegistryCredentials | null {
  if (!isObject(entry)) return null;
  const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  let username = str(entry.username);
  let password = str(entry.password);
  const auth = str(entry.auth);
  if (auth !== null) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new SextantError('CORRUPT', `docker config ${path}: the "auth" of "${key}" is not base64 of user:password`);
    username = decoded.slice(0, colon) || username;
    password = decoded.slice(colon + 1) || password;
  }
  const identityToken = str(entry.identitytoken);
  if (identityToken !== null) return { identityToken, username };
  if (username !== null && password !== null) return { username, password };
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
