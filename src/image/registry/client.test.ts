// RegistryClient against real registries (Bearer and Basic flows, credentials from config and env) and small fake servers (redirects, limits, 403).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isSextantError } from '../../core/errors.ts';
import { buildImage, type BuiltImage } from '../../../test/support/image-builder.ts';
import { pushImage } from '../../../test/support/registry-push.ts';
import { registryBinary, startRegistry, type TestRegistry, TEST_PASSWORD, TEST_USER } from '../../../test/support/registry-server.ts';
import { buildTar, sha256 } from '../../../test/support/tar-builder.ts';
import { RegistryClient } from './client.ts';

const REPO = 'sextant/client-test';

/** A one-layer gzip image with an os-release and a greeting, as every push in this file uses. */
async function testImage(): Promise<BuiltImage> {
  const tar = await buildTar([
    { name: 'etc/os-release', content: 'ID=sextant\nVERSION_ID=1\n' },
    { name: 'hello.txt', content: 'hello from a registry\n' },
  ]);
  return buildImage({ layers: [{ tar }] });
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

describe('Bearer token flow (distribution auth: token)', () => {
  let registry: TestRegistry;
  let image: BuiltImage;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token', refreshTokens: { 'refresh-abc': TEST_USER } });
    image = await testImage();
    await pushImage(new RegistryClient(registry.clientOptions()), REPO, 'latest', image);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('asks the realm once per scope with Basic credentials, then reuses the token', async () => {
    const server = registry.tokenServer!;
    const pushRequests = server.requests.filter((r) => r.scopes.includes(`repository:${REPO}:pull,push`));
    expect(pushRequests.length).toBeGreaterThan(0);
    expect(pushRequests.every((r) => r.via === 'basic' && r.account === TEST_USER && r.service === 'sextant-test-registry')).toBe(true);

    const before = server.requests.length;
    const client = new RegistryClient(registry.clientOptions());
    await client.getManifest(REPO, 'latest');
    const { stream } = await client.openBlob(REPO, image.layers[0]!.digest);
    expect(sha256(await readAll(stream as AsyncIterable<Buffer>))).toBe(image.layers[0]!.digest);
    await client.getManifest(REPO, image.manifest.digest);
    const asked = server.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.scopes).toEqual([`repository:${REPO}:pull`]);
  });

  it('fetches tokens for parallel requests once', async () => {
    const server = registry.tokenServer!;
    const client = new RegistryClient(registry.clientOptions());
    await client.getManifest(REPO, 'latest'); // learn the challenge
    const before = server.requests.length;
    await Promise.all([1, 2, 3].map(() => client.getManifest('sextant/other-repo', 'latest').catch(() => null)));
    expect(server.requests.length - before).toBe(1);
  });

  it('uses an identity token through the OAuth2 refresh_token grant', async () => {
    const server = registry.tokenServer!;
    const before = server.requests.length;
    const client = new RegistryClient(registry.clientOptions({ identityToken: 'refresh-abc', username: null }));
    const fetched = await client.getManifest(REPO, 'latest');
    expect(fetched.digest).toBe(image.manifest.digest);
    expect(server.requests.slice(before).map((r) => [r.method, r.via])).toEqual([['POST', 'refresh_token']]);
  });

  it('rejects a bad identity token with AUTH_FAILED', async () => {
    const client = new RegistryClient(registry.clientOptions({ identityToken: 'wrong', username: null }));
    await expect(client.getManifest(REPO, 'latest')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });
});

describe('anonymous Bearer tokens (as Docker Hub gives for public images)', () => {
  let registry: TestRegistry;
  let image: BuiltImage;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token', anonymousPull: true });
    image = await testImage();
    await pushImage(new RegistryClient(registry.clientOptions()), REPO, 'latest', image);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('pulls without credentials', async () => {
    const client = new RegistryClient(registry.clientOptions(null));
    expect((await client.getManifest(REPO, 'latest')).digest).toBe(image.manifest.digest);
    expect(registry.tokenServer!.requests.at(-1)).toMatchObject({ via: 'anonymous', granted: true });
  });

  it('cannot push without credentials: the anonymous token lacks the scope', async () => {
    const client = new RegistryClient(registry.clientOptions(null));
    const err = await pushImage(client, 'sextant/anon-push', 'latest', image).catch((e: unknown) => e);
    expect(isSextantError(err, 'AUTH_FAILED')).toBe(true);
    expect((err as Error).message).toContain('authentication failed for sextant/anon-push (401)');
  });
});

describe('credentials from Docker config and the environment (htpasswd registry over TLS)', () => {
  let registry: TestRegistry;
  let image: BuiltImage;
  let dir: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    image = await testImage();
    await pushImage(new RegistryClient(registry.clientOptions()), REPO, 'latest', image);
    dir = mkdtempSync(join(tmpdir(), 'sextant-docker-config-'));
  });
  afterAll(async () => {
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const clientWith = (env: NodeJS.ProcessEnv) =>
    new RegistryClient({ registry: registry.host, ca: registry.ca!, credentialSources: { env, homeDir: join(dir, 'nohome') } });

  it('serves HTTPS with the test CA', () => {
    expect(registry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('reads base64 `auth` from $DOCKER_CONFIG/config.json', async () => {
    const auth = Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [`https://${registry.host}`]: { auth } } }));
    const fetched = await clientWith({ DOCKER_CONFIG: dir }).getManifest(REPO, 'latest');
    expect(fetched.digest).toBe(image.manifest.digest);
  });

  it('names the config file when its credentials are rejected', async () => {
    const auth = Buffer.from(`${TEST_USER}:nope`).toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
    const err = await clientWith({ DOCKER_CONFIG: dir }).getManifest(REPO, 'latest').catch((e: unknown) => e);
    expect(isSextantError(err, 'AUTH_FAILED')).toBe(true);
    expect((err as Error).message).toBe(
      `registry ${registry.host}: authentication failed for ${REPO} (401); credentials from ${join(dir, 'config.json')} were rejected`,
    );
  });

  it('reports malformed config.json as CORRUPT naming the file', async () => {
    writeFileSync(join(dir, 'config.json'), '{"auths": {');
    const err = await clientWith({ DOCKER_CONFIG: dir }).getManifest(REPO, 'latest').catch((e: unknown) => e);
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
    expect((err as Error).message).toContain(join(dir, 'config.json'));
  });

  it('prefers SEXTANT_REGISTRY_USER / SEXTANT_REGISTRY_PASSWORD from the process environment', async () => {
    writeFileSync(join(dir, 'config.json'), '{"auths": {');
    vi.stubEnv('SEXTANT_REGISTRY_USER', TEST_USER);
    vi.stubEnv('SEXTANT_REGISTRY_PASSWORD', TEST_PASSWORD);
    vi.stubEnv('DOCKER_CONFIG', dir);
    const client = new RegistryClient({ registry: registry.host, ca: registry.ca! });
    expect((await client.getManifest(REPO, 'latest')).digest).toBe(image.manifest.digest);
  });

  it('answers a Basic challenge only once when the password is wrong', async () => {
    const client = new RegistryClient(registry.clientOptions({ username: TEST_USER, password: 'bad' }));
    await expect(client.getManifest(REPO, 'latest')).rejects.toThrow(`registry ${registry.host}: authentication failed for ${REPO} (401)`);
  });
});

describe('network failures', () => {
  it('reports a port with nothing listening as NETWORK: connection refused', async () => {
    const port = await closedPort();
    for (const insecure of [false, true]) {
      const client = new RegistryClient({ registry: `127.0.0.1:${port}`, insecure, credentials: null });
      const err = await client.getManifest('a/b', 'latest').catch((e: unknown) => e);
      expect(isSextantError(err, 'NETWORK')).toBe(true);
      expect((err as Error).message).toBe(`cannot reach registry 127.0.0.1:${port}: connection refused`);
    }
  });

  it('names ports that fetch refuses to use', async () => {
    const err = await new RegistryClient({ registry: '127.0.0.1:9', credentials: null }).getManifest('a/b', 'latest').catch((e: unknown) => e);
    expect(isSextantError(err, 'NETWORK')).toBe(true);
    expect((err as Error).message).toBe('cannot reach registry 127.0.0.1:9: port refused by fetch (a "bad port" in the Fetch standard)');
  });

  it('says a plain-HTTP registry needs --insecure', async () => {
    const registry = await startRegistry();
    try {
      const err = await new RegistryClient({ registry: registry.host, credentials: null }).getManifest('a/b', 'latest').catch((e: unknown) => e);
      expect(isSextantError(err, 'NETWORK')).toBe(true);
      expect((err as Error).message).toMatch(/^cannot reach registry 127\.0\.0\.1:\d+: TLS handshake failed .*--insecure/);
    } finally {
      await registry.stop();
    }
  });
});

describe('the test registry harness', () => {
  it('fails with an install hint when docker-registry is missing', () => {
    vi.stubEnv('SEXTANT_TEST_REGISTRY_BIN', '/nonexistent/docker-registry');
    try {
      expect(() => registryBinary()).toThrow(/\.ci\/run, or apt-get install docker-registry apache2-utils/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

/** A tiny fake registry for answers distribution will not give: redirects to another host, 403, oversized manifests. */
describe('against a fake registry', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse) => void;
  let handler: Handler;
  let storageHandler: Handler;
  let fake: Server;
  let storage: Server;
  let host: string;
  let storagePort: number;

  beforeAll(async () => {
    fake = await listen((req, res) => handler(req, res));
    storage = await listen((req, res) => storageHandler(req, res));
    host = `127.0.0.1:${(fake.address() as AddressInfo).port}`;
    storagePort = (storage.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all([fake, storage].map((s) => new Promise((r) => s.close(r))));
  });

  const client = () => new RegistryClient({ registry: host, insecure: true, credentials: { username: 'u', password: 'p' } });
  const basicRequired = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.headers.authorization) return false;
    res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' }).end();
    return true;
  };

  it('follows a blob redirect to another host without the Authorization header', async () => {
    const blob = Buffer.from('layer bytes');
    const seen: (string | undefined)[] = [];
    handler = (req, res) => {
      if (basicRequired(req, res)) return;
      if (req.url?.startsWith('/v2/r/blobs/')) {
        res.writeHead(307, { location: `http://localhost:${storagePort}/bucket/blob?sig=1` }).end();
      } else res.writeHead(200).end('{}');
    };
    storageHandler = (req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-length': String(blob.length) }).end(blob);
    };
    const { stream, size } = await client().openBlob('r', sha256(blob));
    expect((await readAll(stream as AsyncIterable<Buffer>)).equals(blob)).toBe(true);
    expect(size).toBe(blob.length);
    expect(seen).toEqual([undefined]);
  });

  it('keeps the Authorization header on a same-host redirect', async () => {
    const seen: (string | undefined)[] = [];
    handler = (req, res) => {
      if (basicRequired(req, res)) return;
      if (req.url?.startsWith('/v2/r/blobs/')) return void res.writeHead(302, { location: '/elsewhere' }).end();
      seen.push(req.headers.authorization);
      res.writeHead(200).end('x');
    };
    const { stream } = await client().openBlob('r', sha256('x'));
    await readAll(stream as AsyncIterable<Buffer>);
    expect(seen).toEqual([`Basic ${Buffer.from('u:p').toString('base64')}`]);
  });

  it('maps 403 to FORBIDDEN', async () => {
    handler = (_req, res) => void res.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}');
    const err = await client().getManifest('r', 'latest').catch((e: unknown) => e);
    expect(isSextantError(err, 'FORBIDDEN')).toBe(true);
    expect((err as Error).message).toBe(`registry ${host}: access to r denied (403) (DENIED: requested access to the resource is denied)`);
  });

  it('refuses manifests over 4 MiB, announced or not', async () => {
    const big = Buffer.alloc(4 * 2 ** 20 + 1, 0x20);
    for (const chunked of [false, true]) {
      handler = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...(chunked ? {} : { 'content-length': String(big.length) }) });
        if (chunked) {
          res.write(big.subarray(0, 2 ** 20));
          res.end(big.subarray(2 ** 20));
        } else res.end(big);
      };
      await expect(client().getManifest('r', 'latest')).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    }
  });

  it('rejects a manifest whose Docker-Content-Digest disagrees with its bytes', async () => {
    handler = (_req, res) =>
      void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256('other') }).end('{}');
    await expect(client().getManifest('r', 'latest')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('rejects a manifest fetched by digest that hashes to something else', async () => {
    handler = (_req, res) => void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end('{"tampered":true}');
    await expect(client().getManifest('r', sha256('{}'))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('reports other answers as REGISTRY with the status', async () => {
    handler = (_req, res) => void res.writeHead(500).end('boom');
    await expect(client().getManifest('r', 'latest')).rejects.toThrow(`registry ${host}: unexpected answer 500 for manifest r:latest in r`);
  });
});

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function closedPort(): Promise<number> {
  const server = await listen(() => undefined);
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
