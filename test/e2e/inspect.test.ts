// End-to-end: `sextant inspect` on real image layouts and archives built here, and its one-line errors.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAttestation,
  buildImage,
  buildIndex,
  type BuiltImage,
  indexEntry,
  buildTar,
  sha256,
  writeDockerArchive,
  writeOciArchive,
  writeOciLayout,
  writeTar,
} from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

const DEBIAN_OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

let dir: string;
let base: Buffer;
let app: Buffer;
let image: BuiltImage;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-inspect-'));
  base = await buildTar([
    { name: 'etc/', type: 'dir' },
    { name: 'usr/lib/os-release', content: DEBIAN_OS_RELEASE },
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'bin/sh', content: '#!fake shell', mode: 0o755 },
    { name: 'tmp/scratch.txt', content: 'to be removed' },
  ]);
  app = await buildTar([{ name: 'app/server.js', content: 'console.log(1)' }, { name: 'tmp/.wh.scratch.txt' }]);
  image = buildImage({
    layers: [
      { tar: base, compression: 'gzip', createdBy: '/bin/sh -c #(nop) ADD file:base in /' },
      { tar: app, compression: 'zstd', createdBy: 'COPY app /app' },
    ],
    emptyHistory: [
      { after: 0, createdBy: '/bin/sh -c #(nop)  ENV NODE_ENV=production' },
      { after: 1, createdBy: '/bin/sh -c #(nop)  CMD ["node"]' },
    ],
    created: '2026-03-04T05:06:07Z',
    config: {
      User: 'node',
      Env: ['PATH=/usr/bin:/bin', 'NODE_ENV=production', 'EMPTY='],
      ExposedPorts: { '8080/tcp': {}, '53/udp': {}, '443/tcp': {} },
      Labels: { 'org.opencontainers.image.source': 'https://example.com/app', maintainer: 'ops' },
      Entrypoint: ['/usr/bin/node'],
      Cmd: ['server.js'],
      WorkingDir: '/app',
    },
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inspectJson(ref: string, extra: string[] = [], env: Record<string, string> = {}) {
  const r = await runCli(['inspect', ref, '--format', 'json', ...extra], env);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown> & { layers: Record<string, unknown>[] };
}

describe('sextant inspect', () => {
  it('reports every metadata field of an OCI layout', async () => {
    const layout = join(dir, 'layout');
    await writeOciLayout(layout, [{ ...indexEntry(image), annotations: { 'org.opencontainers.image.ref.name': 'v1' } }], image.blobs);
    const m = await inspectJson(`oci-dir://${layout}:v1`);
    expect(m).toMatchObject({
      source: 'oci-dir',
      id: image.config.digest,
      digest: image.manifest.digest,
      indexDigest: null,
      created: '2026-03-04T05:06:07Z',
      architecture: 'amd64',
      os: 'linux',
      osRelease: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionCodename: 'bookworm' },
      ports: ['53/udp', '443/tcp', '8080/tcp'],
      env: [
        { name: 'PATH', value: '/usr/bin:/bin' },
        { name: 'NODE_ENV', value: 'production' },
        { name: 'EMPTY', value: '' },
      ],
      labels: { 'org.opencontainers.image.source': 'https://example.com/app', maintainer: 'ops' },
      user: 'node',
      entrypoint: ['/usr/bin/node'],
      cmd: ['server.js'],
      workingDir: '/app',
      registry: null,
      provenance: null,
      size: image.layers[0]!.size + image.layers[1]!.size,
    });
    // Empty-layer history entries are skipped when pairing layers with the commands that made them.
    expect(m.layers).toEqual([
      expect.objectContaining({ digest: image.layers[0]!.digest, diffId: sha256(base), size: image.layers[0]!.size, createdBy: '/bin/sh -c #(nop) ADD file:base in /' }),
      expect.objectContaining({ digest: image.layers[1]!.digest, diffId: sha256(app), size: image.layers[1]!.size, createdBy: 'COPY app /app' }),
    ]);
    expect(m.history).toHaveLength(4);
    // The base layer adds etc/, usr/, usr/lib/ (implied), its 3 files and a symlink, bin/ and tmp/ (implied);
    // the app layer adds app/ (implied) and app/server.js and whites out tmp/scratch.txt.
    expect(m.layers.map((l) => l.changes)).toEqual([
      { added: 9, changed: 0, removed: 0 },
      { added: 2, changed: 0, removed: 1 },
    ]);
  });

  it('prints a table for people', async () => {
    const layout = join(dir, 'layout-table');
    await writeOciLayout(layout, [indexEntry(image)], image.blobs);
    const r = await runCli(['inspect', `oci-dir://${layout}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(image.config.digest);
    expect(r.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    expect(r.stdout).toMatch(/ports\s+53\/udp, 443\/tcp, 8080\/tcp/);
    expect(r.stdout).toContain('COPY app /app');
  });

  it('reads a legacy docker save archive and takes the registry from RepoTags', async () => {
    const legacy = buildImage({ layers: [{ tar: base, compression: 'none', createdBy: 'base' }], docker: true });
    const path = join(dir, 'legacy.tar');
    await writeDockerArchive(path, legacy, ['ghcr.io/acme/api:2.1']);
    const m = await inspectJson(`archive://${path}`);
    expect(m).toMatchObject({
      source: 'archive',
      id: legacy.config.digest,
      manifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      osRelease: { id: 'debian', versionId: '12' },
      registry: { type: 'ghcr', repository: 'acme/api', tag: '2.1' },
    });
    expect(m.layers[0]).toMatchObject({ digest: sha256(base), diffId: sha256(base), createdBy: 'base' });
  });

  it('reads a gzip-compressed docker save archive and leaves no temporary copy behind', async () => {
    const legacy = buildImage({ layers: [{ tar: base, compression: 'none', createdBy: 'base' }], docker: true });
    const plain = join(dir, 'for-gzip.tar');
    await writeDockerArchive(plain, legacy, ['debian:12']);
    const gz = join(dir, 'image.tar.gz');
    await writeFile(gz, gzipSync(await readFile(plain)));
    const tmp = join(dir, 'private-tmp');
    await mkdir(tmp);
    const m = await inspectJson(`archive://${gz}`, [], { TMPDIR: tmp });
    expect(m).toMatchObject({ id: legacy.config.digest, osRelease: { id: 'debian' }, registry: { type: 'dockerhub', repository: 'library/debian', tag: '12' } });
    const notImage = join(dir, 'not-image.tar.gz');
    await writeFile(notImage, gzipSync(Buffer.concat([await buildTar([{ name: 'readme', content: 'hi' }])])));
    const r = await runCli(['inspect', `archive://${notImage}`], { TMPDIR: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sextant: .*not-image\.tar\.gz is not an image archive/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('reads an OCI archive with an index, picks the platform and reads BuildKit provenance', async () => {
    const arm = buildImage({ layers: [{ tar: base }], architecture: 'arm64', variant: 'v8' });
    const dockerfile = 'FROM alpine:3.20 AS build\nRUN make\nFROM debian:12\nCOPY --from=build /out /app\n';
    const provenance = {
      builder: { id: 'https://github.com/acme/api/actions/runs/1' },
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [
        { uri: 'pkg:docker/alpine@3.20?platform=linux%2Famd64', digest: { sha256: 'a'.repeat(64) } },
        { uri: 'pkg:docker/debian@12?platform=linux%2Famd64', digest: { sha256: 'b'.repeat(64) } },
      ],
      invocation: { configSource: { entryPoint: 'Dockerfile' }, parameters: { frontend: 'dockerfile.v0' } },
      metadata: {
        'https://mobyproject.org/buildkit@v1#metadata': {
          vcs: { source: 'https://github.com/acme/api', revision: 'c0ffee'.padEnd(40, '0') },
          source: { infos: [{ filename: 'Dockerfile', language: 'Dockerfile', data: Buffer.from(dockerfile).toString('base64') }] },
        },
      },
    };
    const att = buildAttestation(image, [
      { predicateType: 'https://slsa.dev/provenance/v0.2', predicate: provenance },
      { predicateType: 'https://spdx.dev/Document', predicate: { spdxVersion: 'SPDX-2.3', name: 'sbom', packages: [] } },
    ]);
    const index = buildIndex([indexEntry(image), indexEntry(arm), att.entry]);
    const path = join(dir, 'oci.tar');
    await writeOciArchive(path, [{ mediaType: index.mediaType, digest: index.digest, size: index.size }], [index, ...image.blobs, ...arm.blobs, ...att.blobs]);

    const m = await inspectJson(`archive://${path}`, ['--platform', 'linux/amd64']);
    expect(m).toMatchObject({
      digest: image.manifest.digest,
      indexDigest: index.digest,
      provenance: {
        baseImage: `docker.io/library/debian:12@sha256:${'b'.repeat(64)}`,
        vcs: { source: 'https://github.com/acme/api', revision: 'c0ffee'.padEnd(40, '0') },
        dockerfile,
      },
    });
    expect((m.provenance as { materials: unknown[] }).materials).toHaveLength(2);
    expect(m.sbomAttestations).toEqual([expect.objectContaining({ predicateType: 'https://spdx.dev/Document' })]);

    const armMeta = await inspectJson(`archive://${path}`, ['--platform', 'linux/arm64']);
    expect(armMeta).toMatchObject({ digest: arm.manifest.digest, architecture: 'arm64', variant: 'v8', provenance: null });
  });

  it('reads a root filesystem directory', async () => {
    const root = join(dir, 'rootfs');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/os-release'), 'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n');
    const m = await inspectJson(`fs://${root}`);
    expect(m).toMatchObject({ source: 'fs', id: null, digest: null, layers: [], osRelease: { id: 'alpine', versionId: '3.20.3' } });
  });
});

describe('sextant inspect on bad input: one line on stderr, exit code 2', () => {
  async function expectOneLineError(args: string[], pattern: RegExp, env: Record<string, string> = {}) {
    const r = await runCli(args, env, 30_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sextant: /);
    expect(lines[0]).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }

  async function layoutWith(name: string, layers: { tar: Buffer; compression?: 'gzip' | 'zstd' | 'none' }[]): Promise<{ path: string; built: BuiltImage }> {
    const built = buildImage({ layers });
    const path = join(dir, name);
    await writeOciLayout(path, [indexEntry(built)], built.blobs);
    return { path, built };
  }

  it('a missing file', async () => {
    await expectOneLineError(['inspect', `archive://${join(dir, 'nope.tar')}`], /nope\.tar: no such file/);
  });

  it('a file that is not an image', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'hello\n'.repeat(200));
    await expectOneLineError(['inspect', `archive://${path}`], /not a tar archive/);
  });

  it('a tar that holds no image', async () => {
    const path = join(dir, 'plain.tar');
    await writeTar(path, [['readme.md', Buffer.from('# hi')]]);
    await expectOneLineError(['inspect', `archive://${path}`], /not an image archive/);
  });

  it('a truncated archive', async () => {
    const legacy = buildImage({ layers: [{ tar: base, compression: 'none' }], docker: true });
    const path = join(dir, 'truncated.tar');
    await writeDockerArchive(path, legacy);
    const { truncate } = await import('node:fs/promises');
    await truncate(path, 3000);
    await expectOneLineError(['inspect', `archive://${path}`], /truncated/);
  });

  it('a corrupt gzip layer', async () => {
    const gz = gzipSync(base);
    gz.fill(0x55, 40, 200);
    const built = buildImage({ layers: [{ tar: base, compression: 'none' }] });
    // Replace the layer blob with corrupt gzip bytes, named by their own digest so only the gzip is wrong.
    const corrupt = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(gz), size: gz.length, bytes: gz };
    const manifest = JSON.parse(built.manifest.bytes.toString()) as { layers: unknown[] };
    manifest.layers = [{ mediaType: corrupt.mediaType, digest: corrupt.digest, size: corrupt.size }];
    const mBytes = Buffer.from(JSON.stringify(manifest));
    const m = { mediaType: built.manifest.mediaType, digest: sha256(mBytes), size: mBytes.length, bytes: mBytes };
    const path = join(dir, 'corrupt-gzip');
    await writeOciLayout(path, [{ mediaType: m.mediaType, digest: m.digest, size: m.size }], [m, built.config, corrupt]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /layer 0 .*(gzip|corrupt|invalid)/i);
  });

  it('a layer whose content does not match its digest', async () => {
    const { path, built } = await layoutWith('tampered', [{ tar: base, compression: 'gzip' }]);
    const other = gzipSync(app);
    // Same size, other bytes: only the digest check can catch it.
    const padded = Buffer.concat([other, Buffer.alloc(Math.max(0, built.layers[0]!.size - other.length))]).subarray(0, built.layers[0]!.size);
    await writeFile(join(path, 'blobs/sha256', built.layers[0]!.digest.slice(7)), padded);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /layer 0.*(digest|mismatch)/i);
  });

  it('a layer of a docker save archive changed in place (its digest is checked beside the stream)', async () => {
    const legacy = buildImage({ layers: [{ tar: base, compression: 'none' }], docker: true });
    const path = join(dir, 'tampered-in-place.tar');
    await writeDockerArchive(path, legacy, ['debian:12']);
    const bytes = await readFile(path);
    const at = bytes.indexOf('bookworm');
    expect(at).toBeGreaterThan(0);
    bytes.write('bookwarm', at);
    await writeFile(path, bytes);
    await expectOneLineError(['inspect', `archive://${path}`], /layer 0.*(digest|diffID) mismatch/i);
  });

  it('a layer whose uncompressed content does not match the config diffID', async () => {
    const built = buildImage({ layers: [{ tar: base }] });
    const config = JSON.parse(built.config.bytes.toString()) as { rootfs: { diff_ids: string[] } };
    config.rootfs.diff_ids = [sha256('something else')];
    const cBytes = Buffer.from(JSON.stringify(config));
    const c = { mediaType: built.config.mediaType, digest: sha256(cBytes), size: cBytes.length, bytes: cBytes };
    const manifest = JSON.parse(built.manifest.bytes.toString()) as { config: unknown };
    manifest.config = { mediaType: c.mediaType, digest: c.digest, size: c.size };
    const mBytes = Buffer.from(JSON.stringify(manifest));
    const m = { mediaType: built.manifest.mediaType, digest: sha256(mBytes), size: mBytes.length, bytes: mBytes };
    const path = join(dir, 'bad-diffid');
    await writeOciLayout(path, [{ mediaType: m.mediaType, digest: m.digest, size: m.size }], [m, c, built.layers[0]!]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /layer 0.*diff/i);
  });

  it('an unsupported media type', async () => {
    const cfg = Buffer.from('{"name":"chart"}');
    const c = { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: sha256(cfg), size: cfg.length, bytes: cfg };
    const mBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: c.mediaType, digest: c.digest, size: c.size }, layers: [] }));
    const m = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(mBytes), size: mBytes.length, bytes: mBytes };
    const path = join(dir, 'helm');
    await writeOciLayout(path, [{ mediaType: m.mediaType, digest: m.digest, size: m.size }], [m, c]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /not a container image.*helm/);
  });

  it('an unknown platform', async () => {
    const { path } = await layoutWith('one-platform', [{ tar: base }]);
    await expectOneLineError(['inspect', `oci-dir://${path}`, '--platform', 'linux/riscv64'], /linux\/amd64, not linux\/riscv64/);
    await expectOneLineError(['inspect', `oci-dir://${path}`, '--platform', 'nonsense'], /invalid platform/);
  });

  it('an entry that climbs out of the root', async () => {
    const evil = await buildTar([{ name: 'etc/', type: 'dir' }, { name: '../../../tmp/evil', content: 'x' }]);
    const { path } = await layoutWith('traversal', [{ tar: evil }]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /\.\.\/\.\.\/\.\.\/tmp\/evil/);
  });

  it('absolute entry names are taken relative to the root', async () => {
    const abs = await buildTar([{ name: '/etc/os-release', content: 'ID=wolfi\nVERSION_ID=20230201\n' }]);
    const { path } = await layoutWith('absolute', [{ tar: abs }]);
    const m = await inspectJson(`oci-dir://${path}`);
    expect(m.osRelease).toMatchObject({ id: 'wolfi', path: '/etc/os-release' });
  });

  it('a symlink loop where os-release should be', async () => {
    const loop = await buildTar([
      { name: 'etc/os-release', type: 'symlink', linkname: '/etc/loop-b' },
      { name: 'etc/loop-b', type: 'symlink', linkname: 'os-release' },
    ]);
    const { path } = await layoutWith('loop', [{ tar: loop }]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /(symlink loop|too many levels of symbolic links).*\/etc\/os-release/i);
  });

  it('a gzip bomb, cut off by the documented limits', async () => {
    // Each entry is under the layer limit, so only the running count of inflated bytes can stop it.
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const bomb = await buildTar(Array.from({ length: 16 }, (_, i) => ({ name: `zeros-${i}.bin`, content: zeros })));
    const { path } = await layoutWith('bomb', [{ tar: bomb, compression: 'gzip' }]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /layer 0.*(limit|exceed|over)/i, { SEXTANT_MAX_LAYER_BYTES: String(16 * 1024 * 1024) });
    // The ratio limit stops the same bomb with the default size limit.
    await expectOneLineError(['inspect', `oci-dir://${path}`], /layer 0.*ratio/i, { SEXTANT_MAX_COMPRESSION_RATIO: '50', SEXTANT_RATIO_GRACE_BYTES: String(1024 * 1024) });
    // A single entry that claims more than the limit is refused from its header alone.
    const big = await buildTar([{ name: 'zeros.bin', content: Buffer.alloc(32 * 1024 * 1024) }]);
    const { path: bigPath } = await layoutWith('bomb-entry', [{ tar: big, compression: 'gzip' }]);
    await expectOneLineError(['inspect', `oci-dir://${bigPath}`], /layer 0.*zeros\.bin/i, { SEXTANT_MAX_LAYER_BYTES: String(16 * 1024 * 1024) });
  });

  it('absurd sizes in a manifest', async () => {
    const built = buildImage({ layers: [{ tar: base }] });
    const manifest = JSON.parse(built.manifest.bytes.toString()) as { layers: { size: number }[] };
    manifest.layers[0]!.size = 2 ** 60;
    const mBytes = Buffer.from(JSON.stringify(manifest));
    const m = { mediaType: built.manifest.mediaType, digest: sha256(mBytes), size: mBytes.length, bytes: mBytes };
    const path = join(dir, 'absurd');
    await writeOciLayout(path, [{ mediaType: m.mediaType, digest: m.digest, size: m.size }], [m, ...built.blobs.slice(1)]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /absurd size/);
  });

  it('malformed JSON in a config', async () => {
    const { path, built } = await layoutWith('bad-config', [{ tar: base }]);
    const broken = Buffer.from(built.config.bytes.toString().slice(0, -5));
    // Keep the descriptor honest about size and digest so that only the JSON is wrong.
    const c = { mediaType: built.config.mediaType, digest: sha256(broken), size: broken.length, bytes: broken };
    const manifest = JSON.parse(built.manifest.bytes.toString()) as { config: unknown };
    manifest.config = { mediaType: c.mediaType, digest: c.digest, size: c.size };
    const mBytes = Buffer.from(JSON.stringify(manifest));
    const m = { mediaType: built.manifest.mediaType, digest: sha256(mBytes), size: mBytes.length, bytes: mBytes };
    await rm(path, { recursive: true });
    await writeOciLayout(path, [{ mediaType: m.mediaType, digest: m.digest, size: m.size }], [m, c, built.layers[0]!]);
    await expectOneLineError(['inspect', `oci-dir://${path}`], /config .* is not valid JSON/);
  });

  it('a refused registry connection', async () => {
    await expectOneLineError(['inspect', 'registry://127.0.0.1:9/nothing/here:1', '--insecure-registry'], /127\.0\.0\.1:9.*(refused|reach)/i);
  });

  it('a bad reference and an unknown format', async () => {
    await expectOneLineError(['inspect', 'ftp://x'], /unknown image reference prefix/);
    await expectOneLineError(['inspect', 'alpine', '--format', 'xml'], /unknown format "xml"/);
  });

  it('a symlinked rootfs escape is resolved inside the root', async () => {
    const root = join(dir, 'rootfs-escape');
    await mkdir(join(root, 'etc'), { recursive: true });
    const outside = join(dir, 'outside-os-release');
    await writeFile(outside, 'ID=host-secret\n');
    await symlink(outside, join(root, 'etc/os-release'));
    const m = await inspectJson(`fs://${root}`);
    expect(m.osRelease).toBeNull();
  });
});
