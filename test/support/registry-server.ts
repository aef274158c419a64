// Real test registries: Debian's docker-registry (CNCF distribution 2.8) on 127.0.0.1, without auth, with htpasswd, or with tokens.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { RegistryClientOptions } from '../../src/image/registry/client.ts';
import type { RegistryCredentials } from '../../src/image/registry/docker-config.ts';
import { startTokenServer, type TokenServer } from './registry-token-server.ts';

/** How a test registry authenticates: not at all, HTTP Basic from an htpasswd file, or Bearer tokens from our token service. */
export type RegistryAuthMode = 'none' | 'htpasswd' | 'token';

/** Options for {@link startRegistry}. */
export interface StartRegistryOptions {
  auth?: RegistryAuthMode;
  /** Serve HTTPS with a self-signed certificate (its PEM is `ca`). Default: true for htpasswd, false otherwise. */
  tls?: boolean;
  /** Users and passwords; default one user, {@link TEST_USER} / {@link TEST_PASSWORD}. */
  users?: Record<string, string>;
  /** Token mode: let requests without credentials pull, as Docker Hub does. */
  anonymousPull?: boolean;
  /** Token mode: OAuth2 refresh tokens (Docker's identitytoken) and the user each stands for. */
  refreshTokens?: Record<string, string>;
}

/** A running registry. */
export interface TestRegistry {
  /** `127.0.0.1:PORT`, the registry name a reference would carry. */
  host: string;
  /** `http(s)://127.0.0.1:PORT`. */
  url: string;
  auth: RegistryAuthMode;
  tls: boolean;
  /** PEM of the self-signed certificate to trust when `tls`; null otherwise. */
  ca: string | null;
  /** Valid credentials (the first user); null in `none` mode. */
  credentials: { username: string; password: string } | null;
  /** The token service in `token` mode, with its request log. */
  tokenServer: TokenServer | null;
  /** Client options reaching this registry: HTTP allowed when not TLS, the CA when TLS, and the valid credentials. */
  clientOptions(credentials?: RegistryCredentials | null): RegistryClientOptions;
  /** The registry's recent output, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The default user of every test registry. */
export const TEST_USER = 'sextant';
/** The default user's password. */
export const TEST_PASSWORD = 'sextant-secret';

const SERVICE = 'sextant-test-registry';
const ISSUER = 'sextant-test-issuer';
const INSTALL_HINT = 'run .ci/run, or apt-get install docker-registry apache2-utils openssl';

/** Locate a program: `override` when given, else the first match on PATH. Throws a message saying how to install it. */
function requireProgram(name: string, override: string | undefined, what: string): string {
  const candidates = override ? [override] : (process.env.PATH ?? '/usr/bin').split(delimiter).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  throw new Error(`${what} not found (${override ?? `${name} on PATH`}): the registry tests need it; ${INSTALL_HINT}`);
}

/** Path of the docker-registry binary (override with SEXTANT_TEST_REGISTRY_BIN). Throws a clear install hint when missing. */
export function registryBinary(): string {
  return requireProgram('docker-registry', process.env.SEXTANT_TEST_REGISTRY_BIN, 'docker-registry (CNCF distribution)');
}

interface TestCertificate {
  keyPem: string;
  certPem: string;
}

let certificate: TestCertificate | null = null;

/**
 * One RSA key and self-signed certificate per process, kept in memory: the HTTPS certificate and the token-signing
 * key alike. Each registry writes them into its own directory, so nothing outlives `stop()`.
 */
function testCertificate(): TestCertificate {
  if (certificate) return certificate;
  const openssl = requireProgram('openssl', undefined, 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'sextant-registry-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(openssl, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2',
      '-subj', '/CN=sextant-test-registry', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'pipe' });
    certificate = { keyPem: readFileSync(keyPath, 'utf8'), certPem: readFileSync(certPath, 'utf8') };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A port that was free a moment ago. The registry binds it itself, so a race is possible; startRegistry retries. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Start a registry on 127.0.0.1 with a free port and a temporary storage directory, and resolve once it answers
 * `/v2/`. Call `stop()` in teardown. Fails (never skips) when the docker-registry binary is missing.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const binary = registryBinary();
  const auth = options.auth ?? 'none';
  const useTls = options.tls ?? auth === 'htpasswd';
  const users = options.users ?? { [TEST_USER]: TEST_PASSWORD };
  const pem = useTls || auth === 'token' ? testCertificate() : null;
  const dir = mkdtempSync(join(tmpdir(), 'sextant-registry-'));
  const cert = pem ? { ...pem, keyPath: join(dir, 'key.pem'), certPath: join(dir, 'cert.pem') } : null;
  if (cert) {
    writeFileSync(cert.keyPath, cert.keyPem, { mode: 0o600 });
    writeFileSync(cert.certPath, cert.certPem);
  }
  let tokenServer: TokenServer | null = null;
  let authYaml = '';
  if (auth === 'htpasswd') {
    const htpasswd = requireProgram('htpasswd', undefined, 'htpasswd (apache2-utils)');
    // distribution accepts bcrypt entries only, which node:crypto cannot make; htpasswd -B can.
    const lines = Object.entries(users).map(([u, p]) => execFileSync(htpasswd, ['-Bbn', u, p], { encoding: 'utf8' }).trim());
    writeFileSync(join(dir, 'htpasswd'), `${lines.join('\n')}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: sextant-test\n    path: ${JSON.stringify(join(dir, 'htpasswd'))}\n`;
  } else if (auth === 'token' && cert) {
    tokenServer = await startTokenServer({
      keyPem: cert.keyPem,
      certPem: cert.certPem,
      users,
      service: SERVICE,
      issuer: ISSUER,
      anonymousPull: options.anonymousPull ?? false,
      ...(options.refreshTokens ? { refreshTokens: options.refreshTokens } : {}),
    });
    authYaml = [
      'auth:',
      '  token:',
      `    realm: ${JSON.stringify(tokenServer.realm)}`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${JSON.stringify(cert.certPath)}`,
      '',
    ].join('\n');
  }

  let lastError: Error | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const configPath = join(dir, 'config.yml');
    writeFileSync(
      configPath,
      [
        'version: 0.1',
        'log:',
        '  level: error',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
        'http:',
        `  addr: ${host}`,
        `  secret: ${randomBytes(16).toString('hex')}`,
        ...(useTls && cert ? ['  tls:', `    certificate: ${JSON.stringify(cert.certPath)}`, `    key: ${JSON.stringify(cert.keyPath)}`] : []),
        authYaml,
      ].join('\n'),
    );
    const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-16_384);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    try {
      await waitReady(child, useTls ? 'https' : 'http', port, cert?.certPem ?? null, () => output);
    } catch (err) {
      child.kill('SIGKILL');
      process.off('exit', killOnExit);
      lastError = err as Error;
      if (/address already in use/.test(output)) continue;
      break;
    }
    const scheme = useTls ? 'https' : 'http';
    const first = Object.entries(users)[0];
    const credentials = auth === 'none' || !first ? null : { username: first[0], password: first[1] };
    const server = tokenServer;
    return {
      host,
      url: `${scheme}://${host}`,
      auth,
      tls: useTls,
      ca: useTls && cert ? cert.certPem : null,
      credentials,
      tokenServer: server,
      clientOptions: (creds = credentials) => ({
        registry: host,
        insecure: !useTls,
        ...(useTls && cert ? { ca: cert.certPem } : {}),
        credentials: creds,
      }),
      output: () => output,
      stop: async () => {
        process.off('exit', killOnExit);
        await stopChild(child);
        await server?.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  await tokenServer?.stop();
  rmSync(dir, { recursive: true, force: true });
  throw lastError ?? new Error('docker-registry did not start');
}

/** Poll `/v2/` until the registry answers (200, or 401 when auth is on), or fail with its output. */
async function waitReady(child: ChildProcess, scheme: 'http' | 'https', port: number, ca: string | null, output: () => string): Promise<void> {
  let exited: string | null = null;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`docker-registry ${exited}: ${output().trim().slice(-2000)}`);
    const status = await new Promise<number | null>((resolve) => {
      const req = (scheme === 'https' ? httpsRequest : httpRequest)(
        { host: '127.0.0.1', port, path: '/v2/', method: 'GET', timeout: 1000, ...(ca ? { ca } : {}) },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? null);
        },
      );
      req.on('error', () => resolve(null));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer /v2/ on port ${port} within 15 s: ${output().trim().slice(-2000)}`);
}

/** SIGTERM, then SIGKILL if the registry has not exited within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
