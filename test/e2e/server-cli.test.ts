// The CLI against a real Sextant server: `push`, `cves --server` / `quickview --server` (local analysis) and
// `--show-payload`, `catalog add|export|import`, `environment record`, and the one-line errors of a server call.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSecrets } from '../../src/catalog/secrets/testing.ts';
import { startServer, type RunningServer } from '../../src/platform/server.ts';
import { buildAttestation, buildImage, buildIndex, buildTar, indexEntry, sha256, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';
import { closedPort } from '../support/ports.ts';

const osvNpm = fileURLToPath(new URL('../../../shared/vectors/osv/npm/', import.meta.url));
const TOKEN = 'sxt_e2e-bootstrap-token-0123456789abcdef';
const secrets = fakeSecrets(11);
const dir = mkdtempSync(join(tmpdir(), 'sextant-server-cli-'));
const data = join(dir, 'data');
const database = join(data, 'sextant.sqlite');
let server: RunningServer;
let layout: string;
let baseLayout: string;
/** A two-platform base (an index of linux/amd64 and linux/arm64/v8 images, and an attestation) and its images. */
let multiLayout: string;
let multiImages: { amd64: string; arm64: string };
let manifestDigest: string;
let diffIds: string[];
/** A URL nobody listens on. */
let deadServer: string;

// A Debian record written for this test (Debian keys its records by source package: libssl3 is built from openssl).
const DEBIAN_ADVISORY = {
  schema_version: '1.6.0',
  id: 'DEBIAN-CVE-2099-0001',
  modified: '2026-01-01T00:00:00Z',
  published: '2026-01-01T00:00:00Z',
  upstream: ['CVE-2099-0001'],
  summary: 'openssl: a test vulnerability',
  affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }] }],
};

const STATUS = `Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries

Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files
`;

beforeAll(async () => {
  const json = (v: unknown) => JSON.stringify(v);
  const os = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
    { name: 'var/lib/dpkg/status', content: STATUS },
  ]);
  const app = await buildTar([
    { name: 'srv/shop/package.json', content: json({ name: 'shop', version: '1.0.0', dependencies: { lodash: '^4.17.0', qs: '~6.5.0' } }) },
    { name: 'srv/shop/node_modules/lodash/package.json', content: json({ name: 'lodash', version: '4.17.15', license: 'MIT' }) },
    { name: 'srv/shop/node_modules/qs/package.json', content: json({ name: 'qs', version: '6.5.2', license: 'BSD-3-Clause' }) },
    { name: 'srv/shop/.env', content: `GITHUB_TOKEN=${secrets.github}\n` },
  ]);
  diffIds = [sha256(os), sha256(app)];
  // The base image (one layer) and the application built on it, whose provenance names debian:12 as its base.
  const base = buildImage({ layers: [{ tar: os }] });
  baseLayout = join(dir, 'base');
  await writeOciLayout(baseLayout, [indexEntry(base)], base.blobs);
  const image = buildImage({ layers: [{ tar: os }, { tar: app }], config: { Env: ['ORDERS_DB=orders.internal.example'], Labels: { 'com.example.team': 'payments-squad' } } });
  manifestDigest = image.manifest.digest;
  const provenance = {
    builder: { id: 'https://ci.example/run/1' },
    buildType: 'https://mobyproject.org/buildkit@v1',
    materials: [{ uri: 'pkg:docker/debian@12?platform=linux%2Famd64', digest: { sha256: 'b'.repeat(64) } }],
  };
  const attestation = buildAttestation(image, [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: provenance }]);
  const index = buildIndex([indexEntry(image), attestation.entry]);
  layout = join(dir, 'app');
  await writeOciLayout(layout, [{ mediaType: index.mediaType, digest: index.digest, size: index.size }], [index, ...image.blobs, ...attestation.blobs]);
  const amd64 = buildImage({ layers: [{ tar: await buildTar([{ name: 'bin/busybox', content: 'busybox for amd64' }]) }] });
  const arm64 = buildImage({ layers: [{ tar: await buildTar([{ name: 'bin/busybox', content: 'busybox for arm64' }]) }], architecture: 'arm64', variant: 'v8' });
  const arm64Attestation = buildAttestation(arm64, [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: {} }]);
  const multiIndex = buildIndex([indexEntry(amd64), indexEntry(arm64), arm64Attestation.entry]);
  multiLayout = join(dir, 'multi');
  await writeOciLayout(multiLayout, [{ mediaType: multiIndex.mediaType, digest: multiIndex.digest, size: multiIndex.size }], [multiIndex, ...amd64.blobs, ...arm64.blobs, ...arm64Attestation.blobs]);
  multiImages = { amd64: amd64.manifest.digest, arm64: arm64.manifest.digest };

  // The server's advisory store is its database: load it before the server starts.
  mkdirSync(data, { recursive: true });
  const debian = join(dir, 'debian');
  mkdirSync(debian);
  writeFileSync(join(debian, 'DEBIAN-CVE-2099-0001.json'), json(DEBIAN_ADVISORY));
  const imported = await runCli(['db', 'import', osvNpm, debian, '--database', database]);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  deadServer = `http://127.0.0.1:${await closedPort()}`;
  server = await startServer({ port: 0, host: '127.0.0.1', data, version: 'test', bootstrapToken: TOKEN, print: () => {} });
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Finding {
  id: string;
  purl: string;
  packageName: string;
  layers: string[];
}
interface CvesReport {
  findings: Finding[];
  database: string;
}
const serverArgs = () => ['--server', server.url, '--token', TOKEN];
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { SEXTANT_SERVER: '', SEXTANT_TOKEN: '', ...env });

describe('the CLI against a Sextant server', () => {
  it('cves --server finds what a local cves finds, from purls and layer digests only', async () => {
    const local = await cli(['cves', `oci-dir://${layout}`, '-q', '--format', 'json', '--database', database]);
    expect(local.stderr).toBe('');
    const remote = await cli(['cves', `oci-dir://${layout}`, '-q', '--format', 'json', ...serverArgs()]);
    expect(remote.stderr).toBe('');
    expect(remote.code).toBe(0);
    const [l, r] = [JSON.parse(local.stdout) as CvesReport, JSON.parse(remote.stdout) as CvesReport];
    expect(l.findings.map((f) => `${f.packageName} ${f.id}`).sort()).toEqual([
      'libssl3 CVE-2099-0001',
      'lodash CVE-2020-28500',
      'lodash CVE-2020-8203',
      'lodash CVE-2021-23337',
      'qs CVE-2022-24999',
    ]);
    expect(r.findings).toEqual(l.findings);
    expect(r.database).toBe(l.database);
    // The libssl3 finding keeps the SBOM's purl (the payload's `upstream` qualifier is not shown).
    expect(r.findings.find((f) => f.packageName === 'libssl3')?.purl).toBe('pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12');

    const table = await cli(['cves', `oci-dir://${layout}`, '-q', ...serverArgs()]);
    expect(table.stdout).toMatch(/5 vulnerabilities \(/);
  });

  it('--show-payload prints the exact request and sends nothing', async () => {
    // Nothing listens there: a request would fail.
    const r = await cli(['cves', `oci-dir://${layout}`, '-q', '--show-payload', '--server', deadServer, '--token', TOKEN]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const payload = JSON.parse(r.stdout) as { schema: string; layers: string[]; packages: { purl: string; layers: string[] }[] };
    expect(Object.keys(payload)).toEqual(['schema', 'layers', 'packages']);
    expect(payload.schema).toBe('sextant-local-analysis/1');
    expect(payload.layers).toEqual(diffIds);
    expect(payload.packages.map((p) => p.purl).sort()).toEqual([
      'pkg:deb/debian/base-files@12.4+deb12u5?arch=amd64&distro=debian-12',
      'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
      'pkg:npm/lodash@4.17.15',
      'pkg:npm/qs@6.5.2',
    ]);
    expect(payload.packages.find((p) => p.purl === 'pkg:npm/qs@6.5.2')?.layers).toEqual([diffIds[1]]);
    for (const leak of ['srv/', 'node_modules', 'dpkg', 'orders.internal', 'payments-squad', 'ci.example', secrets.github as string]) expect(r.stdout).not.toContain(leak);
    const quick = await cli(['quickview', `oci-dir://${layout}`, '-q', '--show-payload']);
    expect(JSON.parse(quick.stdout)).toEqual(payload);
  });

  it('SEXTANT_SERVER alone leaves cves local', async () => {
    const r = await cli(['cves', `oci-dir://${layout}`, '-q', '--format', 'json', '--database', database], { SEXTANT_SERVER: deadServer, SEXTANT_TOKEN: TOKEN });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as CvesReport).findings).toHaveLength(5);
  });

  it('catalog add stores an image\u2019s layer chain; export and import round-trip it as JSON Lines', async () => {
    const env = { SEXTANT_SERVER: server.url, SEXTANT_TOKEN: TOKEN };
    const unnamed = await cli(['catalog', 'add', `oci-dir://${baseLayout}`], env);
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toMatch(/^sextant: cannot tell the name to store oci-dir:\/\/.* under: give --name NAME:TAG\n$/);
    const added = await cli(['catalog', 'add', `oci-dir://${baseLayout}`, '--name', 'debian:12'], env);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/^docker\.io\/library\/debian:12 {2}linux\/amd64 {2}sha256:[0-9a-f]{64} {2}1 layer\nstored 1 catalog entry\n$/);

    const exported = await cli(['catalog', 'export', '-'], env);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; tag: string; platform: string | null; layers: string[] });
    expect(lines).toEqual([expect.objectContaining({ name: 'docker.io/library/debian', tag: '12', platform: 'linux/amd64', layers: [diffIds[0]] })]);

    const file = join(dir, 'catalog.jsonl');
    const toFile = await cli(['catalog', 'export', file], env);
    expect(toFile.stdout).toBe(`exported 1 catalog entry to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(exported.stdout);
    const extra = JSON.stringify({ name: 'registry.example/tools/busybox', tag: '1.36', digest: null, layers: [sha256(Buffer.from('busybox layer'))] });
    writeFileSync(file, `${readFileSync(file, 'utf8')}${extra}\n`);
    const imported = await cli(['catalog', 'import', file], env);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toBe('imported 2 catalog entries: 2 stored\n');

    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ name: 'docker.io/library/ubuntu', tag: '24.04', digest: null, layers: [sha256(Buffer.from('ubuntu'))] })}\n{"name": "x", "tag": "1", "layers": "nope"}\n`);
    const refused = await cli(['catalog', 'import', bad], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`sextant: ${bad}:2: "layers" must be a non-empty list of sha256 diffIDs\n`);
    const after = await cli(['catalog', 'export', '-'], env);
    expect(after.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('catalog add keeps an entry per platform: each --platform asked, or with --all-platforms every one an index lists', async () => {
    const env = { SEXTANT_SERVER: server.url, SEXTANT_TOKEN: TOKEN };
    const line = (platform: string, digest: string) => `docker.io/library/busybox:1.37  ${platform}  ${digest}  1 layer\n`;
    const all = await cli(['catalog', 'add', `oci-dir://${multiLayout}`, '--name', 'busybox:1.37', '--all-platforms'], env);
    expect(all.stderr).toBe('');
    // The attestation manifest (unknown/unknown) is no platform.
    expect(all.stdout).toBe(`${line('linux/amd64', multiImages.amd64)}${line('linux/arm64/v8', multiImages.arm64)}stored 2 catalog entries\n`);
    // Asked for by name, more than once: each platform asked replaces its own entry.
    const asked = await cli(['catalog', 'add', `oci-dir://${multiLayout}`, '--name', 'busybox:1.37', '--platform', 'linux/arm64', '--platform', 'linux/amd64', '-q'], env);
    expect(asked.stderr).toBe('');
    expect(asked.stdout).toBe('stored 2 catalog entries\n');
    // A single-platform image has its one.
    const single = await cli(['catalog', 'add', `oci-dir://${baseLayout}`, '--name', 'debian:12', '--all-platforms'], env);
    expect(single.stdout).toMatch(/^docker\.io\/library\/debian:12 {2}linux\/amd64 {2}sha256:[0-9a-f]{64} {2}1 layer\nstored 1 catalog entry\n$/);
    const both = await cli(['catalog', 'add', `oci-dir://${multiLayout}`, '--name', 'busybox:1.37', '--platform', 'linux/amd64', '--all-platforms'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('sextant: --platform and --all-platforms exclude each other: give one of them\n');

    const exported = await cli(['catalog', 'export', '-'], env);
    const entries = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; tag: string; platform: string | null; digest: string | null });
    expect(entries.map((e) => [`${e.name}:${e.tag}`, e.platform, e.digest])).toEqual([
      ['docker.io/library/busybox:1.37', 'linux/amd64', multiImages.amd64],
      ['docker.io/library/busybox:1.37', 'linux/arm64/v8', multiImages.arm64],
      ['docker.io/library/debian:12', 'linux/amd64', expect.stringMatching(/^sha256:/)],
      // Imported from a line without a platform.
      ['registry.example/tools/busybox:1.36', null, null],
    ]);

    const bad = join(dir, 'bad-platform.jsonl');
    writeFileSync(bad, `${JSON.stringify({ name: 'docker.io/library/busybox', tag: '1.37', platform: 'linux/arm64.v8', digest: null, layers: [sha256(Buffer.from('busybox'))] })}\n`);
    const refused = await cli(['catalog', 'import', bad], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`sextant: ${bad}:1: "platform" must be null or os/arch[/variant] in lowercase letters, digits, _ and - (linux/arm/v7)\n`);
  });

  it('cves --server --ignore-base leaves out the findings of the layers the server\u2019s base brought', async () => {
    const r = await cli(['cves', `oci-dir://${layout}`, '-q', '--ignore-base', ...serverArgs()]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('libssl3');
    expect(r.stdout).toMatch(/4 vulnerabilities \(/);
    expect(r.stdout).toContain('1 vulnerability in the base image docker.io/library/debian:12 (its 1 layers, from the server\u2019s base detection) not shown (--ignore-base)');
  });

  it('quickview --server shows the server\u2019s base image beside the provenance\u2019s', async () => {
    const table = await cli(['quickview', `oci-dir://${layout}`, '-q', ...serverArgs()]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Vulns\s+5 \(5 fixable\)/);
    expect(table.stdout).toMatch(/Base\s+docker\.io\/library\/debian:12 sha256:[0-9a-f]{64} \(1 shared layer, from the catalog\); the provenance names docker\.io\/library\/debian:12\S*: they agree/);
    const json = JSON.parse((await cli(['quickview', `oci-dir://${layout}`, '-q', '--format', 'json', ...serverArgs()])).stdout) as { base: { base: { reference: string }; agrees: boolean }; baseImage: string };
    expect(json.base.base.reference).toBe('docker.io/library/debian:12');
    expect(json.base.agrees).toBe(true);
    expect(json.baseImage).toMatch(/^docker\.io\/library\/debian:12/);
  });

  it('push stores the image and answers with its findings and its base image', async () => {
    const r = await cli(['push', `oci-dir://${layout}`, '-q', '--env', 'staging', '--format', 'json', ...serverArgs()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as { created: boolean; image: { digest: string }; findings: Finding[]; base: { base: { reference: string; sharedLayers: number; source: string } | null; provenance: string | null; agrees: boolean | null } };
    expect(answer.created).toBe(true);
    expect(answer.image.digest).toBe(manifestDigest);
    expect(answer.findings).toHaveLength(5);
    expect(answer.base.base).toMatchObject({ reference: 'docker.io/library/debian:12', sharedLayers: 1, source: 'catalog' });
    expect(answer.base.provenance).toMatch(/^docker\.io\/library\/debian:12/);
    expect(answer.base.agrees).toBe(true);

    const again = await cli(['push', `oci-dir://${layout}`, '-q', ...serverArgs()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Updated {2}oci-dir:\/\/.* {2}sha256:[0-9a-f]{64} to http:\/\/127\.0\.0\.1:\d+\n/);
    expect(again.stdout).toMatch(/Base {4}docker\.io\/library\/debian:12 sha256:[0-9a-f]{64} \(1 shared layer, from the catalog\); the provenance names docker\.io\/library\/debian:12\S*: they agree\n/);
    expect(again.stdout).toMatch(/\nSecrets 1 found \(sent redacted; see sextant secrets\)\n/);
    expect(again.stdout).toMatch(/5 vulnerabilities \(/);

    const stored = await fetch(`${server.url}/api/v1/images/${manifestDigest}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(stored.status).toBe(200);
    const text = await stored.text();
    // The secret found in the image was sent redacted: the server never saw it.
    expect(text).not.toContain(secrets.github);
    const image = JSON.parse(text) as { summary: { environments: string[] }; packages: { locations: { path: string }[] }[]; secrets: { rule: string }[] };
    expect(image.secrets).toHaveLength(1);
    expect(image.summary.environments).toEqual(['staging']);
    // A push sends the full SBOM, paths included (unlike a local analysis).
    expect(image.packages.some((p) => p.locations.some((l) => l.path.includes('srv/shop/node_modules/')))).toBe(true);
  });

  it('environment record takes a digest or an image reference', async () => {
    const env = { SEXTANT_SERVER: server.url, SEXTANT_TOKEN: TOKEN };
    const byDigest = await cli(['environment', 'record', 'production', manifestDigest, '--workload', 'shop', '--namespace', 'web'], env);
    expect(byDigest.stderr).toBe('');
    expect(byDigest.stdout).toBe(`production: ${manifestDigest} (web/shop) recorded: 1 added, 0 removed\n`);
    const byReference = await cli(['environment', 'record', 'qa', `oci-dir://${layout}`, '--workload', 'shop'], env);
    expect(byReference.stdout).toBe(`qa: ${manifestDigest} (shop) recorded: 1 added, 0 removed\n`);
    const history = await fetch(`${server.url}/api/v1/environments/production/history`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const { events } = (await history.json()) as { events: { digest: string; workload: string; namespace: string | null; kind: string }[] };
    expect(events).toEqual([expect.objectContaining({ digest: manifestDigest, workload: 'shop', namespace: 'web', kind: 'added' })]);
    const bad = await cli(['environment', 'record', 'production', 'sha256:abc'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('sextant: invalid digest "sha256:abc" (sha256: and 64 lowercase hex digits)\n');
  });

  it('server errors are one line naming the status and the server, never the token', async () => {
    const wrong = 'sxt_not-a-real-token-0000000000';
    const r = await cli(['catalog', 'export', '-', '--server', server.url, '--token', wrong]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^sextant: .+ \\(HTTP 401 from ${server.url.replace(/[.]/g, '\\.')}\\)\\n$`));
    expect(r.stderr).not.toContain(wrong);
    const missing = await cli(['push', `oci-dir://${layout}`, '-q']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('sextant: no Sextant server given: use --server URL or set SEXTANT_SERVER\n');
    const noToken = await cli(['cves', `oci-dir://${layout}`, '-q', '--server', server.url]);
    expect(noToken.stderr).toBe(`sextant: no API token for ${server.url}: use --token T or set SEXTANT_TOKEN\n`);
    const down = await cli(['environment', 'record', 'production', manifestDigest, '--server', deadServer, '--token', TOKEN]);
    expect(down.stderr).toBe(`sextant: cannot reach the Sextant server at ${deadServer}: connection refused\n`);
  });
});
