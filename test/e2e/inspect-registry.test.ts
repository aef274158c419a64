// End-to-end: `sextant inspect registry://…` against real registries (plain HTTP, htpasswd over TLS, Bearer tokens), and its one-line errors.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/image/registry/client.ts';
import { type CliResult, runCli } from '../support/cli.ts';
import { buildAttestation, buildImage, buildIndex, type BuiltImage, indexEntry } from '../support/image-builder.ts';
import { pushImage, pushIndex } from '../support/registry-push.ts';
import { startRegistry, type TestRegistry } from '../support/registry-server.ts';
import { buildTar, sha256 } from '../support/tar-builder.ts';

const REPO = 'sextant/app';
const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';
/** The architecture `--platform` defaults to on this host (amd64 and arm64 are the images the index offers). */
const HOST_ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';

let dir: string;
/** A Docker config directory with no config.json, so no run picks up the credentials of whoever runs the tests. */
let emptyDockerConfig: string;
let base: Buffer;
let app: Buffer;
let image: BuiltImage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-registry-'));
  emptyDockerConfig = join(dir, 'empty-docker-config');
  base = await buildTar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/os-release', content: OS_RELEASE },
    { name: 'bin/sh', content: '#!fake shell', mode: 0o755 },
  ]);
  app = await buildTar([{ name: 'app/server.js', content: 'console.log(1)' }]);
  image = buildImage({
    layers: [
      { tar: base, compression: 'gzip', createdBy: 'ADD rootfs.tar /' },
      { tar: app, compression: 'zstd', createdBy: 'COPY app /app' },
    ],
    config: { Env: ['PATH=/usr/bin:/bin'], Entrypoint: ['/usr/bin/node'], Cmd: ['server.js'] },
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Run the CLI with registry credentials from the test's environment and Docker config switched off, plus `env`. */
function sextant(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { SEXTANT_REGISTRY_USER: '', SEXTANT_REGISTRY_PASSWORD: '', DOCKER_CONFIG: emptyDockerConfig, SEXTANT_DEBUG: '', ...env });
}

type Metadata = Record<string, unknown> & { layers: Record<string, unknown>[]; registry: Record<string, unknown> | null };

async function inspectJson(ref: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Metadata> {
  const r = await sextant(['inspect', ref, '--format', 'json', ...extra], env);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Metadata;
}

/** Every failure: exit code 2, nothing on stdout, exactly one `sextant: ` line on stderr, no stack. Returns the message. */
function failure(r: CliResult): string {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^sextant: [^\n]+\n$/);
  expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+\)?$/m);
  expect(r.stderr).not.toContain('unexpected error');
  return r.stderr.slice('sextant: '.length).trimEnd();
}

/** What inspect reports for `image`, as read from `registry` under `tag`. */
function expectImage(m: Metadata, registry: TestRegistry, tag: string | null): void {
  expect(m).toMatchObject({
    source: 'registry',
    id: image.config.digest,
    digest: image.manifest.digest,
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    architecture: 'amd64',
    os: 'linux',
    entrypoint: ['/usr/bin/node'],
    osRelease: { id: 'debian', versionId: '12', versionCodename: 'bookworm', path: '/etc/os-release' },
    size: image.layers[0]!.size + image.layers[1]!.size,
    registry: { url: registry.url, type: 'other', repository: REPO, tag },
  });
  expect(m.layers).toEqual([
    expect.objectContaining({ digest: image.layers[0]!.digest, diffId: sha256(base), size: image.layers[0]!.size, createdBy: 'ADD rootfs.tar /' }),
    expect.objectContaining({ digest: image.layers[1]!.digest, diffId: sha256(app), size: image.layers[1]!.size, createdBy: 'COPY app /app' }),
  ]);
}

describe('registry without auth, over plain HTTP', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let ref: string;

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient(registry.clientOptions());
    await pushImage(client, REPO, 'v1', image);
    ref = `registry://${registry.host}/${REPO}`;
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('inspects an image by tag with --insecure-registry', async () => {
    const m = await inspectJson(`${ref}:v1`, ['--insecure-registry']);
    expect(registry.url).toMatch(/^http:\/\//);
    expect(m).toMatchObject({ reference: `${ref}:v1`, indexDigest: null });
    expectImage(m, registry, 'v1');
  });

  it('inspects an image by digest', async () => {
    const m = await inspectJson(`${ref}@${image.manifest.digest}`, ['--insecure-registry']);
    expect(m.indexDigest).toBeNull();
    expectImage(m, registry, null);
  });

  it('picks a platform from a multi-platform index: --platform, and the host by default', async () => {
    const arm = buildImage({ layers: [{ tar: base }], architecture: 'arm64', variant: 'v8' });
    const index = await pushIndex(client, REPO, 'multi', [image, arm]);
    const armMeta = await inspectJson(`${ref}:multi`, ['--insecure-registry', '--platform', 'linux/arm64']);
    expect(armMeta).toMatchObject({ indexDigest: index.digest, digest: arm.manifest.digest, id: arm.config.digest, architecture: 'arm64', variant: 'v8' });
    expect(armMeta.layers.map((l) => l.diffId)).toEqual([sha256(base)]);

    const host = await inspectJson(`${ref}:multi`, ['--insecure-registry']);
    const expected = HOST_ARCH === 'arm64' ? arm : image;
    expect(host).toMatchObject({ indexDigest: index.digest, digest: expected.manifest.digest, architecture: HOST_ARCH });
    expect(host.registry).toEqual({ url: registry.url, type: 'other', repository: REPO, tag: 'multi' });
  });

  it('names the platforms there are when --platform asks for another', async () => {
    const message = failure(await sextant(['inspect', `${ref}:multi`, '--insecure-registry', '--platform', 'linux/s390x']));
    expect(message).toContain('linux/s390x');
    expect(message).toContain('linux/arm64');
  });

  it('reads BuildKit SLSA v0.2 provenance from an attestation manifest in the index', async () => {
    const provenance = {
      builder: { id: 'https://github.com/acme/api/actions/runs/1' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [
        { uri: 'pkg:docker/debian@12?platform=linux%2Famd64', digest: { sha256: 'b'.repeat(64) } },
        { uri: 'https://github.com/acme/api.git#main', digest: { sha1: 'c0ffee'.padEnd(40, '0') } },
      ],
      invocation: { configSource: { entryPoint: 'Dockerfile' }, parameters: { frontend: 'dockerfile.v0' } },
      metadata: {
        'https://mobyproject.org/buildkit@v1#metadata': {
          vcs: { source: 'https://github.com/acme/api', revision: 'c0ffee'.padEnd(40, '0') },
        },
      },
    };
    const att = buildAttestation(image, [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: provenance }]);
    const index = buildIndex([indexEntry(image), att.entry]);
    const pushed = await pushIndex(client, REPO, 'attested', { index, blobs: [...image.blobs, ...att.blobs] });
    expect(pushed.digest).toBe(index.digest);

    const m = await inspectJson(`${ref}:attested`, ['--insecure-registry']);
    expect(m).toMatchObject({
      digest: image.manifest.digest,
      indexDigest: index.digest,
      provenance: {
        predicateType: 'https://slsa.dev/provenance/v0.2',
        builderId: 'https://github.com/acme/api/actions/runs/1',
        baseImage: `docker.io/library/debian:12@sha256:${'b'.repeat(64)}`,
        vcs: { source: 'https://github.com/acme/api', revision: 'c0ffee'.padEnd(40, '0') },
      },
    });
    expect((m.provenance as { materials: unknown[] }).materials).toHaveLength(2);
  });

  it('refuses plain HTTP without --insecure-registry, in one line naming the registry', async () => {
    const message = failure(await sextant(['inspect', `${ref}:v1`, '--format', 'json']));
    expect(message).toContain(registry.host);
    expect(message).toContain('--insecure-registry');
  });

  it('checks layer digests on the stream: a layer corrupted in the registry storage is named', async () => {
    // Random content makes this layer's blob unique, so its file in the registry's storage can be found and changed.
    const tar = await buildTar([{ name: 'etc/os-release', content: OS_RELEASE }, { name: 'data.bin', content: randomBytes(64 * 1024) }]);
    const corrupt = buildImage({ layers: [{ tar: base }, { tar, compression: 'none' }] });
    await pushImage(client, REPO, 'corrupt', corrupt);
    const layer = corrupt.layers[1]!;
    const path = await storedBlobPath(layer.digest);
    const bytes = await readFile(path);
    const at = bytes.length - 2048; // inside data.bin (before the tar's end blocks): the tar still parses, only the hashes change
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    await writeFile(path, bytes);

    const message = failure(await sextant(['inspect', `${ref}:corrupt`, '--insecure-registry']));
    // Named by the layer walker, which hashes the bytes as they stream in (a blob read whole first would be named by the store).
    expect(message).toMatch(/^layer 1 \(sha256:/);
    expect(message).toContain(layer.digest.slice(0, 'sha256:'.length + 12));
    expect(message).toContain('digest mismatch');
  });
});

describe('registry with htpasswd (Basic auth over TLS with a test CA)', () => {
  let registry: TestRegistry;
  let ref: string;
  let caEnv: Record<string, string>;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    await pushImage(new RegistryClient(registry.clientOptions()), REPO, 'v1', image);
    ref = `registry://${registry.host}/${REPO}:v1`;
    const caFile = join(dir, 'registry-ca.pem');
    await writeFile(caFile, registry.ca!);
    caEnv = { NODE_EXTRA_CA_CERTS: caFile };
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('takes credentials from SEXTANT_REGISTRY_USER / SEXTANT_REGISTRY_PASSWORD', async () => {
    const { username, password } = registry.credentials!;
    const m = await inspectJson(ref, [], { ...caEnv, SEXTANT_REGISTRY_USER: username, SEXTANT_REGISTRY_PASSWORD: password });
    expect(registry.url).toMatch(/^https:\/\//);
    expectImage(m, registry, 'v1');
  });

  it('takes credentials from $DOCKER_CONFIG/config.json (base64 `auth`)', async () => {
    const { username, password } = registry.credentials!;
    const configDir = await mkdtemp(join(dir, 'docker-config-'));
    const auth = Buffer.from(`${username}:${password}`).toString('base64');
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
    const m = await inspectJson(ref, [], { ...caEnv, DOCKER_CONFIG: configDir });
    expectImage(m, registry, 'v1');
  });

  it('reports a wrong password in one line naming registry and repository', async () => {
    const r = await sextant(['inspect', ref], { ...caEnv, SEXTANT_REGISTRY_USER: registry.credentials!.username, SEXTANT_REGISTRY_PASSWORD: 'wrong' });
    const message = failure(r);
    expect(message).toContain(`registry ${registry.host}`);
    expect(message).toContain(REPO);
    expect(message).toContain('authentication failed');
    expect(message).toContain('401');
  });

  it('reports an untrusted certificate in one line naming the registry', async () => {
    const message = failure(await sextant(['inspect', ref], { SEXTANT_REGISTRY_USER: 'x', SEXTANT_REGISTRY_PASSWORD: 'y' }));
    expect(message).toContain(registry.host);
    expect(message).toContain('certificate not trusted');
    expect(message).toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('registry with Bearer tokens', () => {
  let registry: TestRegistry;
  let ref: string;
  let creds: Record<string, string>;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token' });
    await pushImage(new RegistryClient(registry.clientOptions()), REPO, 'v1', image);
    ref = `registry://${registry.host}/${REPO}`;
    creds = { SEXTANT_REGISTRY_USER: registry.credentials!.username, SEXTANT_REGISTRY_PASSWORD: registry.credentials!.password };
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('inspects with credentials from the environment', async () => {
    const before = registry.tokenServer!.requests.length;
    const m = await inspectJson(`${ref}:v1`, ['--insecure-registry'], creds);
    expectImage(m, registry, 'v1');
    const asked = registry.tokenServer!.requests.slice(before);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((r) => r.via === 'basic' && r.account === registry.credentials!.username && r.granted)).toBe(true);
  });

  it('reports missing credentials as an authentication failure in one line', async () => {
    const message = failure(await sextant(['inspect', `${ref}:v1`, '--insecure-registry']));
    expect(message).toContain(`registry ${registry.host}`);
    expect(message).toContain(`authentication failed for ${REPO}`);
  });

  it('reports a missing tag as not found, naming repository and tag', async () => {
    const message = failure(await sextant(['inspect', `${ref}:nope`, '--insecure-registry'], creds));
    expect(message).toContain(registry.host);
    expect(message).toContain(`${REPO}:nope`);
    expect(message).toContain('not found');
  });

  it('reports a missing repository as not found, naming repository and tag', async () => {
    const message = failure(await sextant(['inspect', `registry://${registry.host}/sextant/absent:v1`, '--insecure-registry'], creds));
    expect(message).toContain(registry.host);
    expect(message).toContain('sextant/absent:v1');
    expect(message).toContain('not found');
  });
});

/** The file holding a blob in a test registry's storage (distribution's filesystem driver layout). */
async function storedBlobPath(digest: string): Promise<string> {
  const hex = digest.slice('sha256:'.length);
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith('sextant-registry-')) continue;
    const path = join(tmpdir(), name, 'data/docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    if (existsSync(path)) return path;
  }
  throw new Error(`blob ${digest} is in no test registry's storage under ${tmpdir()}`);
}
