// The server the dashboard's end-to-end tests drive: a real `sextant server` (SQLite in a temporary directory, or a
// fresh PostgreSQL schema) holding real analyses of images built here, pushed to a real registry (Debian's
// docker-registry) and from there with the real CLI (`sextant push … --env …`), plus a later advisory sync.
//
// What it holds (the names the tests look for are exported in `DashboardFixture`):
//   REG/acme/base:12   two pushes under one tag: `baseOld` (Debian 12.4 packages), then `baseNew` (Debian 12.8)
//   REG/acme/shop:1.0  on baseOld: an old express app (many npm findings) and a redacted secret   → production
//   REG/acme/shop:1.1  on baseNew: the same app updated (few findings)                             → staging
//   REG/acme/api:2.0   on baseNew, in an index with a SLSA provenance attestation (materials, VCS,
//                      Dockerfile); an axios/jsonwebtoken app                                      → production, staging
// shop:1.0's base is an org image (acme/base:12) that has a later push (baseNew): the overview's outdated bases.
// Advisories: the real npm ones of ../shared/vectors/osv/npm and Debian records written here, imported before the
// server starts; then one more Debian advisory (openssl, every image) arrives through POST /api/v1/advisories/sync
// from a local feed server, so the overview has new findings since the last advisory update.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { AdvisoryStore } from '../../src/advisory/store/advisory-store.ts';
import { importOsv } from '../../src/advisory/import-osv.ts';
import { fakeSecrets } from '../../src/catalog/secrets/testing.ts';
import { RegistryClient } from '../../src/image/registry/client.ts';
import { startServer, type RunningServer } from '../../src/platform/server.ts';
import { runCli } from './cli.ts';
import { FeedServer } from './feed-server.ts';
import { buildAttestation, buildImage, buildIndex, buildTar, indexEntry, type BuiltImage } from './image-builder.ts';
import { testSchemas } from './pg-schemas.ts';
import { pushImage, pushIndex } from './registry-push.ts';
import { startRegistry, type TestRegistry } from './registry-server.ts';

const OSV_NPM = fileURLToPath(new URL('../../../shared/vectors/osv/npm/', import.meta.url));

/** The fixture's admin token (installed as SEXTANT_BOOTSTRAP_TOKEN would be). */
export const DASHBOARD_TOKEN = 'sxt_dashboard-fixture-admin-token-0001';

/** One image the fixture pushed. */
export interface FixtureImage {
  /** Manifest digest. */
  digest: string;
  /** The reference it was pushed as, e.g. `127.0.0.1:40123/acme/shop:1.0` (the port is the test registry's). */
  reference: string;
  /** Repository as stored (`acme/shop`) and tag. */
  repository: string;
  tag: string;
  /** Image creation time (the config's `created`). */
  created: string;
  /** Layers, base first: diffID and the `created_by` of its history entry. */
  layers: { diffId: string; createdBy: string }[];
}

/** What the fixture holds, for the tests to look for. */
export interface DashboardFixture {
  /** The server's base URL (API under /api/v1, the dashboard at /). */
  url: string;
  /** An admin token of the org `default`. */
  token: string;
  /** The test registry's `host:port` (references start with it). */
  registry: string;
  /** 'sqlite' or 'postgres', and the PostgreSQL schema when postgres. */
  database: 'sqlite' | 'postgres';
  schema: string | null;
  images: {
    baseOld: FixtureImage;
    baseNew: FixtureImage;
    shopOld: FixtureImage;
    shopNew: FixtureImage;
    api: FixtureImage;
  };
  /** Repository names as stored. */
  repositories: { base: string; shop: string; api: string };
  /** Digests running in each environment. */
  environments: { production: string[]; staging: string[] };
  /** The workload and namespace recorded for api:2.0 in staging (besides what `push --env` records). */
  stagingApiWorkload: { workload: string; namespace: string };
  /** Vulnerability ids the tests can open, with the images each affects. */
  vulnerabilities: {
    /** lodash (npm, real GHSA-35jh-r3h4-6jhm): shop:1.0 only. */
    lodash: { id: string; advisory: string; package: string; digests: string[] };
    /** jsonwebtoken (npm, real GHSA-27h2-hvpr-p74q): api:2.0 only. */
    jsonwebtoken: { id: string; advisory: string; package: string; digests: string[] };
    /** glibc (Debian record written here): the images on baseOld. */
    glibc: { id: string; advisory: string; package: string; digests: string[] };
    /** openssl, arrived with the advisory sync after the pushes: every image. */
    synced: { id: string; advisory: string; package: string; digests: string[] };
  };
  /** The layer of shop:1.0 that `npm ci` made, and an npm package it holds. */
  shopDepsLayer: { diffId: string; package: string };
  /** Seconds the fixture took to start (build, registry, server, imports, pushes, sync). */
  startSeconds: number;
  /** GET an API path (`/api/v1/…`) with the admin token; throws on a non-2xx answer. */
  api<T = unknown>(path: string): Promise<T>;
  /** Stop the server, the registry and the feed server, and remove every file and schema made. */
  close(): Promise<void>;
}

/** Options for {@link startDashboardFixture}. */
export interface DashboardFixtureOptions {
  /** A postgres:// URL: run the server on PostgreSQL in a fresh schema (dropped by close); default SQLite. */
  databaseUrl?: string | undefined;
  /** Server log lines (background job failures); default discarded. */
  log?: (line: string) => void;
  /** fastify's request logger (startServer's `logger`), for debugging; default off. */
  logger?: boolean | object;
}

// ---- Image contents ----

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\n';

/** A dpkg status stanza. */
interface Deb {
  name: string;
  version: string;
  source?: string;
  description: string;
  size: number;
}

function dpkgStatus(packages: readonly Deb[]): string {
  return packages
    .map((p) =>
      [
        `Package: ${p.name}`,
        'Status: install ok installed',
        'Priority: optional',
        `Section: ${p.name.startsWith('lib') ? 'libs' : 'admin'}`,
        `Installed-Size: ${p.size}`,
        'Maintainer: Debian Developers <debian-devel@lists.debian.org>',
        'Architecture: amd64',
        ...(p.source ? [`Source: ${p.source}`] : []),
        `Version: ${p.version}`,
        `Description: ${p.description}`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

/** Debian 12 base packages at two point releases (`old` ≈ 12.4, `new` ≈ 12.8). */
function debianPackages(release: 'old' | 'new'): Deb[] {
  const old = release === 'old';
  return [
    { name: 'base-files', version: old ? '12.4+deb12u5' : '12.4+deb12u8', description: 'Debian base system miscellaneous files', size: 399 },
    { name: 'bash', version: '5.2.15-2+b7', description: 'GNU Bourne Again SHell', size: 7164 },
    { name: 'ca-certificates', version: old ? '20230311' : '20230311+deb12u1', description: 'Common CA certificates', size: 390 },
    { name: 'coreutils', version: '9.1-1', description: 'GNU core utilities', size: 18062 },
    { name: 'libc6', version: old ? '2.36-9+deb12u4' : '2.36-9+deb12u9', source: 'glibc', description: 'GNU C Library: Shared libraries', size: 12988 },
    { name: 'libc-bin', version: old ? '2.36-9+deb12u4' : '2.36-9+deb12u9', source: 'glibc', description: 'GNU C Library: Binaries', size: 2690 },
    { name: 'libgnutls30', version: old ? '3.7.9-2+deb12u2' : '3.7.9-2+deb12u3', source: 'gnutls28', description: 'GNU TLS library - main runtime library', size: 3416 },
    { name: 'libssl3', version: old ? '3.0.11-1~deb12u2' : '3.0.15-1~deb12u1', source: 'openssl', description: 'Secure Sockets Layer toolkit - shared libraries', size: 6168 },
    { name: 'openssl', version: old ? '3.0.11-1~deb12u2' : '3.0.15-1~deb12u1', description: 'Secure Sockets Layer toolkit - cryptographic utility', size: 2301 },
    { name: 'tzdata', version: old ? '2024a-0+deb12u1' : '2024b-0+deb12u1', description: 'time zone and daylight-saving time data', size: 3371 },
    { name: 'zlib1g', version: '1:1.2.13.dfsg-1', source: 'zlib', description: 'compression library - runtime', size: 168 },
  ];
}

/** An installed npm package: name, version, licence, and what it depends on (names). */
type NpmPackage = [name: string, version: string, license: string, dependsOn: string[]];

/** An npm application layer: package.json, package-lock.json (v3) and node_modules, as `npm ci` leaves them. */
async function npmApp(dir: string, name: string, version: string, direct: readonly string[], packages: readonly NpmPackage[]): Promise<Buffer> {
  const byName = new Map(packages.map((p) => [p[0], p]));
  const range = (n: string) => `^${byName.get(n)?.[1] ?? '0.0.0'}`;
  const manifest = { name, version, private: true, dependencies: Object.fromEntries(direct.map((n) => [n, range(n)])) };
  const lock = {
    name,
    version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name, version, dependencies: manifest.dependencies },
      ...Object.fromEntries(
        packages.map(([n, v, license, deps]) => [
          `node_modules/${n}`,
          { version: v, resolved: `https://registry.npmjs.org/${n}/-/${n}-${v}.tgz`, license, ...(deps.length ? { dependencies: Object.fromEntries(deps.map((d) => [d, range(d)])) } : {}) },
        ]),
      ),
    },
  };
  const json = (v: unknown) => JSON.stringify(v, null, 2);
  return buildTar([
    { name: `${dir}/`, type: 'dir' },
    { name: `${dir}/package.json`, content: json(manifest) },
    { name: `${dir}/package-lock.json`, content: json(lock) },
    ...packages.map(([n, v, license, deps]) => ({
      name: `${dir}/node_modules/${n}/package.json`,
      content: json({ name: n, version: v, license, description: `${n} ${v}`, ...(deps.length ? { dependencies: Object.fromEntries(deps.map((d) => [d, range(d)])) } : {}) }),
    })),
  ]);
}

const SHOP_OLD: NpmPackage[] = [
  ['express', '4.17.1', 'MIT', ['body-parser', 'cookie', 'debug', 'path-to-regexp', 'qs', 'send', 'serve-static']],
  ['body-parser', '1.19.0', 'MIT', ['debug', 'qs']],
  ['cookie', '0.4.0', 'MIT', []],
  ['debug', '2.6.9', 'MIT', ['ms']],
  ['lodash', '4.17.15', 'MIT', []],
  ['minimist', '1.2.5', 'MIT', []],
  ['ms', '2.0.0', 'MIT', []],
  ['path-to-regexp', '0.1.7', 'MIT', []],
  ['qs', '6.7.0', 'BSD-3-Clause', []],
  ['send', '0.17.1', 'MIT', ['debug', 'ms']],
  ['serve-static', '1.14.1', 'MIT', ['send']],
];
const SHOP_NEW: NpmPackage[] = [
  ['express', '4.21.0', 'MIT', ['body-parser', 'cookie', 'debug', 'path-to-regexp', 'qs', 'send', 'serve-static']],
  ['body-parser', '1.20.3', 'MIT', ['debug', 'qs']],
  ['cookie', '0.6.0', 'MIT', []],
  ['debug', '2.6.9', 'MIT', ['ms']],
  ['lodash', '4.17.21', 'MIT', []],
  ['minimist', '1.2.8', 'MIT', []],
  ['ms', '2.0.0', 'MIT', []],
  ['path-to-regexp', '0.1.10', 'MIT', []],
  ['qs', '6.13.0', 'BSD-3-Clause', []],
  ['send', '0.19.0', 'MIT', ['debug', 'ms']],
  ['serve-static', '1.16.2', 'MIT', ['send']],
];
const SHOP_DIRECT = ['express', 'lodash', 'minimist'];
const API: NpmPackage[] = [
  ['axios', '0.21.1', 'MIT', ['follow-redirects']],
  ['follow-redirects', '1.14.0', 'MIT', []],
  ['jsonwebtoken', '8.5.1', 'MIT', ['ms', 'semver']],
  ['ms', '2.1.3', 'MIT', []],
  ['semver', '5.7.1', 'ISC', []],
  ['tough-cookie', '4.0.0', 'BSD-3-Clause', []],
];
const API_DIRECT = ['axios', 'jsonwebtoken', 'tough-cookie'];

// ---- Advisories ----

const CVSS_CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const CVSS_HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H';
const CVSS_MEDIUM = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N';
const CVSS_LOW = 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N';

/** A Debian 12 OSV record (written for these tests: the CVE numbers are made up) for source package `source`. */
function debianAdvisory(cve: string, source: string, fixed: string | null, vector: string, summary: string, modified: string): Record<string, unknown> {
  return {
    schema_version: '1.6.0',
    id: `DEBIAN-${cve}`,
    modified,
    published: modified,
    upstream: [cve],
    summary,
    details: `${summary}. A test advisory of the dashboard fixture.`,
    severity: [{ type: 'CVSS_V3', score: vector }],
    affected: [{ package: { ecosystem: 'Debian:12', name: source, purl: `pkg:deb/debian/${source}?arch=source` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...(fixed ? [{ fixed }] : [])] }] }],
    references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${cve}` }],
  };
}

const IMPORTED_AT = '2025-01-15T00:00:00Z';
const DEBIAN_IMPORTED = [
  debianAdvisory('CVE-2099-1001', 'openssl', '3.0.13-1~deb12u1', CVSS_CRITICAL, 'openssl: crafted certificate makes the verifier read freed memory', IMPORTED_AT),
  debianAdvisory('CVE-2099-1002', 'glibc', '2.36-9+deb12u7', CVSS_HIGH, 'glibc: buffer overflow in iconv with crafted input', IMPORTED_AT),
  debianAdvisory('CVE-2099-1003', 'gnutls28', '3.7.9-2+deb12u3', CVSS_MEDIUM, 'gnutls: timing side channel in RSA-PSK key exchange', IMPORTED_AT),
  debianAdvisory('CVE-2099-1004', 'zlib', null, CVSS_LOW, 'zlib: heap overflow in inflateGetHeader (not fixed yet)', IMPORTED_AT),
];
const SYNCED = debianAdvisory('CVE-2099-2001', 'openssl', '3.0.16-1~deb12u1', CVSS_HIGH, 'openssl: denial of service through an unbounded ASN.1 recursion', new Date().toISOString().replace(/\.\d+Z$/, 'Z'));

// ---- Provenance ----

function slsaProvenance(base: { name: string; tag: string; digest: string }, dockerfile: string): Record<string, unknown> {
  return {
    builder: { id: 'https://github.com/acme/api/actions/runs/4242' },
    buildType: 'https://mobyproject.org/buildkit@v1',
    materials: [
      { uri: `pkg:docker/${base.name}@${base.tag}?platform=linux%2Famd64`, digest: { sha256: base.digest.slice(7) } },
      { uri: 'https://github.com/acme/api.git#refs/heads/main', digest: { sha1: '3f1c9a7e5b2d4c6e8f0a1b2c3d4e5f60718293a4' } },
    ],
    invocation: {
      configSource: { entryPoint: 'Dockerfile' },
      parameters: { frontend: 'dockerfile.v0', args: { 'build-arg:NODE_ENV': 'production' } },
    },
    metadata: {
      buildStartedOn: '2025-03-01T10:00:00Z',
      buildFinishedOn: '2025-03-01T10:02:13Z',
      'https://mobyproject.org/buildkit@v1#metadata': {
        vcs: { source: 'https://github.com/acme/api', revision: '3f1c9a7e5b2d4c6e8f0a1b2c3d4e5f60718293a4' },
        source: { infos: [{ filename: 'Dockerfile', language: 'Dockerfile', data: Buffer.from(dockerfile).toString('base64') }] },
      },
    },
  };
}

// ---- The fixture ----

/** Build the images, start a registry, a feed server and the Sextant server, and fill it. */
export async function startDashboardFixture(options: DashboardFixtureOptions = {}): Promise<DashboardFixture> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'sextant-dashboard-'));
  const schemas = options.databaseUrl ? testSchemas('dashboard') : null;
  const schema = schemas?.fresh() ?? null;
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  if (schemas) cleanups.push(() => schemas.dropAll());
  const close = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    const registry: TestRegistry = await startRegistry({ auth: 'none', tls: false });
    cleanups.push(() => registry.stop());
    const feed = await FeedServer.start();
    cleanups.push(() => feed.close());

    // Advisories first, into the database the server then opens: the real npm records and the Debian ones above.
    const location = schema && options.databaseUrl ? { url: options.databaseUrl, schema } : { url: join(dir, 'data', 'sextant.sqlite') };
    if (!schema) mkdirSync(join(dir, 'data'), { recursive: true });
    const debianDir = join(dir, 'debian');
    mkdirSync(debianDir);
    for (const record of DEBIAN_IMPORTED) writeFileSync(join(debianDir, `${record.id as string}.json`), JSON.stringify(record));
    const advisories = await AdvisoryStore.open(location);
    try {
      await importOsv(advisories, [OSV_NPM, debianDir]);
    } finally {
      await advisories.close();
    }

    const server: RunningServer = await startServer({
      port: 0,
      host: '127.0.0.1',
      data: join(dir, 'data'),
      ...(schema && options.databaseUrl ? { database: options.databaseUrl, databaseSchema: schema } : {}),
      version: 'dashboard-fixture',
      advisorySource: feed.url,
      kevUrl: null,
      epssUrl: null,
      bootstrapToken: DASHBOARD_TOKEN,
      rateLimit: { max: 1_000_000, timeWindow: 60_000 },
      layerCacheDir: null,
      print: () => {},
      log: options.log ?? (() => {}),
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    });
    cleanups.push(() => server.close());

    const api = async <T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
      const res = await fetch(`${server.url}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${DASHBOARD_TOKEN}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : null) as T;
    };

    // ---- Build and put the images in the registry ----
    const client = new RegistryClient(registry.clientOptions());
    const secrets = fakeSecrets(23);
    const osOld = await buildTar([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/os-release', content: OS_RELEASE },
      { name: 'var/lib/dpkg/', type: 'dir' },
      { name: 'var/lib/dpkg/status', content: dpkgStatus(debianPackages('old')) },
    ]);
    const osNew = await buildTar([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/os-release', content: OS_RELEASE },
      { name: 'var/lib/dpkg/', type: 'dir' },
      { name: 'var/lib/dpkg/status', content: dpkgStatus(debianPackages('new')) },
    ]);
    const baseConfig = (created: string) => ({ Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['bash'], Labels: { 'org.opencontainers.image.vendor': 'ACME platform team', created } });
    const baseOld = buildImage({ layers: [{ tar: osOld, createdBy: '# debian.sh --arch amd64 out/ bookworm @1714521600' }], created: '2024-05-01T00:00:00Z', config: baseConfig('2024-05-01') });
    const baseNew = buildImage({ layers: [{ tar: osNew, createdBy: '# debian.sh --arch amd64 out/ bookworm @1735689600' }], created: '2025-01-01T00:00:00Z', config: baseConfig('2025-01-01') });

    const appConfig = (service: string, version: string, port: number, env: string[]) => ({
      User: 'node',
      WorkingDir: `/srv/${service}`,
      Entrypoint: ['docker-entrypoint.sh'],
      Cmd: ['node', 'server.js'],
      ExposedPorts: { [`${port}/tcp`]: {} },
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production', ...env],
      Labels: { 'org.opencontainers.image.source': `https://github.com/acme/${service}`, 'org.opencontainers.image.version': version, 'com.acme.team': service === 'shop' ? 'storefront' : 'platform-api' },
      StopSignal: 'SIGTERM',
    });
    const appHistory = [
      { after: 0, createdBy: 'ENV NODE_ENV=production' },
      { after: 2, createdBy: 'EXPOSE map[8080/tcp:{}]' },
      { after: 2, createdBy: 'CMD ["node" "server.js"]' },
    ];
    const shopCode = (version: string, withSecret: boolean) =>
      buildTar([
        { name: 'srv/shop/server.js', content: `// shop ${version}\nrequire('express')().listen(8080);\n` },
        ...(withSecret ? [{ name: 'srv/shop/.env', content: `GITHUB_TOKEN=${secrets.github as string}\nSTRIPE_KEY=${secrets.stripeLive as string}\n` }] : []),
      ]);
    const shopOldDeps = await npmApp('srv/shop', 'shop', '1.0.0', SHOP_DIRECT, SHOP_OLD);
    const shopOld = buildImage({
      layers: [
        { tar: osOld, createdBy: '# debian.sh --arch amd64 out/ bookworm @1714521600' },
        { tar: shopOldDeps, createdBy: 'RUN /bin/sh -c npm ci --omit=dev # buildkit' },
        { tar: await shopCode('1.0.0', true), createdBy: 'COPY . /srv/shop # buildkit' },
      ],
      created: '2024-06-03T09:15:00Z',
      emptyHistory: appHistory,
      config: appConfig('shop', '1.0.0', 8080, ['DATABASE_URL=postgres://shop:hunter2@db.internal:5432/shop', 'STRIPE_PUBLISHABLE=pk_test_fixture']),
    });
    const shopNew = buildImage({
      layers: [
        { tar: osNew, createdBy: '# debian.sh --arch amd64 out/ bookworm @1735689600' },
        { tar: await npmApp('srv/shop', 'shop', '1.1.0', SHOP_DIRECT, SHOP_NEW), createdBy: 'RUN /bin/sh -c npm ci --omit=dev # buildkit' },
        { tar: await shopCode('1.1.0', false), createdBy: 'COPY . /srv/shop # buildkit' },
      ],
      created: '2025-02-10T14:30:00Z',
      emptyHistory: appHistory,
      config: appConfig('shop', '1.1.0', 8080, ['DATABASE_URL=postgres://shop:correct-horse@db.internal:5432/shop']),
    });
    const apiImage = buildImage({
      layers: [
        { tar: osNew, createdBy: '# debian.sh --arch amd64 out/ bookworm @1735689600' },
        { tar: await npmApp('srv/api', 'api', '2.0.0', API_DIRECT, API), createdBy: 'RUN /bin/sh -c npm ci --omit=dev # buildkit' },
        { tar: await buildTar([{ name: 'srv/api/server.js', content: "// api 2.0.0\nrequire('http').createServer().listen(3000);\n" }]), createdBy: 'COPY . /srv/api # buildkit' },
      ],
      created: '2025-03-01T10:02:13Z',
      emptyHistory: [{ after: 0, createdBy: 'ENV NODE_ENV=production' }],
      config: appConfig('api', '2.0.0', 3000, ['JWT_SECRET=fixture-not-a-secret', 'LOG_LEVEL=info']),
    });

    const repositories = { base: 'acme/base', shop: 'acme/shop', api: 'acme/api' };
    await pushImage(client, repositories.base, '12', baseOld);
    const dockerfile = `# syntax=docker/dockerfile:1\nFROM ${registry.host}/${repositories.base}:12\nENV NODE_ENV=production\nWORKDIR /srv/api\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . /srv/api\nEXPOSE 3000\nCMD ["node", "server.js"]\n`;
    const attestation = buildAttestation(apiImage, [{ predicateType: 'https://slsa.dev/provenance/v0.2', predicate: slsaProvenance({ name: `${registry.host}/${repositories.base}`, tag: '12', digest: baseNew.manifest.digest }, dockerfile) }]);
    const apiIndex = buildIndex([indexEntry(apiImage), attestation.entry]);

    // ---- Push with the real CLI: the old base, then the image on it, then the new base, then the rest ----
    // Each run gets its own empty SEXTANT_HOME (runCli's default): two pushes at once must not share a layer cache.
    const cliEnv = { SEXTANT_SERVER: '', SEXTANT_TOKEN: '', DOCKER_CONFIG: join(dir, 'no-docker-config') };
    const push = async (reference: string, env: string | null): Promise<{ digest: string; reference: string }> => {
      const r = await runCli(['push', reference, '-q', '--insecure-registry', '--format', 'json', '--server', server.url, '--token', DASHBOARD_TOKEN, ...(env ? ['--env', env] : [])], cliEnv, 120_000);
      if (r.code !== 0) throw new Error(`sextant push ${reference} exited ${r.code}: ${r.stderr.trim()}`);
      const answer = JSON.parse(r.stdout) as { image: { digest: string; reference: string } };
      return answer.image;
    };
    const ref = (repository: string, tag: string) => `${registry.host}/${repository}:${tag}`;
    await push(ref(repositories.base, '12'), null);
    // A push is stamped with the time it is stored: the later base push must come later.
    await pushImage(client, repositories.shop, '1.0', shopOld);
    const shopOldPushed = await push(ref(repositories.shop, '1.0'), 'production');
    await pushImage(client, repositories.base, '12', baseNew);
    await push(ref(repositories.base, '12'), null);
    await pushImage(client, repositories.shop, '1.1', shopNew);
    await pushIndex(client, repositories.api, '2.0', { index: apiIndex, blobs: [...apiImage.blobs, ...attestation.blobs] });
    const [shopNewPushed, apiPushed] = await Promise.all([push(ref(repositories.shop, '1.1'), 'staging'), push(ref(repositories.api, '2.0'), 'production')]);
    for (const [pushed, built] of [
      [shopOldPushed, shopOld],
      [shopNewPushed, shopNew],
      [apiPushed, apiImage],
    ] as const) {
      if (pushed.digest !== built.manifest.digest) throw new Error(`pushed ${pushed.reference} as ${pushed.digest}, built ${built.manifest.digest}`);
    }
    // api:2.0 runs in staging too, as a Kubernetes deployment in its own namespace.
    const stagingApiWorkload = { workload: 'api', namespace: 'backend' };
    await api(`/api/v1/environments/staging/images`, { method: 'POST', body: { digest: apiImage.manifest.digest, ...stagingApiWorkload, workloadType: 'Deployment' } });

    // ---- A later advisory update: one new Debian record through the server's sync ----
    feed.put('/Debian/all.zip', zipSync({ [`${SYNCED.id as string}.json`]: Buffer.from(JSON.stringify(SYNCED)) }));
    const sync = await api<{ reevaluated: { images: number; appeared: number } }>('/api/v1/advisories/sync', { method: 'POST', body: { ecosystems: ['Debian'] } });
    if (sync.reevaluated.appeared === 0) throw new Error(`the advisory sync made no finding appear: ${JSON.stringify(sync)}`);

    const fixtureImage = (built: BuiltImage, repository: string, tag: string, created: string): FixtureImage => {
      const { history } = JSON.parse(built.config.bytes.toString('utf8')) as { history: { created_by: string; empty_layer?: boolean }[] };
      const made = history.filter((h) => !h.empty_layer);
      return { digest: built.manifest.digest, reference: ref(repository, tag), repository, tag, created, layers: built.layers.map((l, i) => ({ diffId: l.diffId, createdBy: made[i]?.created_by ?? '' })) };
    };
    const images = {
      baseOld: fixtureImage(baseOld, repositories.base, '12', '2024-05-01T00:00:00Z'),
      baseNew: fixtureImage(baseNew, repositories.base, '12', '2025-01-01T00:00:00Z'),
      shopOld: fixtureImage(shopOld, repositories.shop, '1.0', '2024-06-03T09:15:00Z'),
      shopNew: fixtureImage(shopNew, repositories.shop, '1.1', '2025-02-10T14:30:00Z'),
      api: fixtureImage(apiImage, repositories.api, '2.0', '2025-03-01T10:02:13Z'),
    };
    const all = Object.values(images).map((i) => i.digest);
    return {
      url: server.url,
      token: DASHBOARD_TOKEN,
      registry: registry.host,
      database: schema ? 'postgres' : 'sqlite',
      schema,
      images,
      repositories,
      environments: { production: [images.shopOld.digest, images.api.digest], staging: [images.shopNew.digest, images.api.digest] },
      stagingApiWorkload,
      vulnerabilities: {
        lodash: { id: 'CVE-2021-23337', advisory: 'GHSA-35jh-r3h4-6jhm', package: 'lodash', digests: [images.shopOld.digest] },
        jsonwebtoken: { id: 'CVE-2022-23529', advisory: 'GHSA-27h2-hvpr-p74q', package: 'jsonwebtoken', digests: [images.api.digest] },
        glibc: { id: 'CVE-2099-1002', advisory: 'DEBIAN-CVE-2099-1002', package: 'libc6', digests: [images.baseOld.digest, images.shopOld.digest] },
        synced: { id: 'CVE-2099-2001', advisory: SYNCED.id as string, package: 'libssl3', digests: all },
      },
      shopDepsLayer: { diffId: shopOld.layers[1]?.diffId as string, package: 'express' },
      startSeconds: (performance.now() - started) / 1000,
      api: (path) => api(path),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
