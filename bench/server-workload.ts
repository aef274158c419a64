// Bench data for `npm run bench -- server`: realistic SBOMs (Debian and Alpine base images with language runtimes,
// applications drawn from shared package pools so images overlap as real fleets do) and OSV advisories over the
// same package names, at versions some of the stored packages fall into. Deterministic: the same every run.
import type { ImageMetadata, LayerInfo, OsRelease } from '../src/core/model.ts';
import type { Package } from '../src/core/package.ts';
import type { Sbom } from '../src/core/sbom.ts';
import { parseOsvRecord } from '../src/advisory/feeds/osv/parse-osv.ts';
import { AdvisoryStore } from '../src/advisory/store/advisory-store.ts';
import type { CatalogEntry, StoreLocation } from '../src/platform/store/platform-store.ts';
import { assembleSbom } from '../src/sbom/assemble.ts';
import { layer, metadata } from '../test/support/platform-fixtures.ts';
import { prng } from '../test/support/prng.ts';

type Json = Record<string, unknown>;

/** The OS package every base image carries (as `openssl`/`libssl3` on Debian, `libcrypto3`/`libssl3` on Alpine). */
export const SHARED_SOURCE = 'openssl';

// ---- Names and versions ----

/** Debian source packages of a slim Debian base image, with the binary packages each builds (default: itself). */
const DEBIAN_BASE: Record<string, string[]> = {
  acl: ['libacl1'], adduser: [], apt: ['apt', 'libapt-pkg6.0'], attr: ['libattr1'], audit: ['libaudit1', 'libaudit-common'], 'base-files': [], 'base-passwd': [],
  bash: [], bzip2: ['libbz2-1.0'], coreutils: [], dash: [], 'db5.3': ['libdb5.3'], debconf: [], 'debian-archive-keyring': [], debianutils: [], diffutils: [],
  dpkg: [], e2fsprogs: ['e2fsprogs', 'libcom-err2', 'libext2fs2', 'libss2', 'logsave'], findutils: [], 'gcc-12': ['gcc-12-base', 'libgcc-s1', 'libstdc++6'],
  glibc: ['libc6', 'libc-bin'], gmp: ['libgmp10'], gnupg2: ['gpgv'], gnutls28: ['libgnutls30'], grep: [], gzip: [], hostname: [], 'init-system-helpers': [],
  keyutils: ['libkeyutils1'], krb5: ['libgssapi-krb5-2', 'libk5crypto3', 'libkrb5-3', 'libkrb5support0'], 'libcap-ng': ['libcap-ng0'], libcap2: ['libcap2'],
  libffi: ['libffi8'], libgcrypt20: ['libgcrypt20'], 'libgpg-error': ['libgpg-error0'], libidn2: ['libidn2-0'], libnsl: ['libnsl2'], libseccomp: ['libseccomp2'],
  libselinux: ['libselinux1'], libsemanage: ['libsemanage2', 'libsemanage-common'], libsepol: ['libsepol2'], 'libtasn1-6': ['libtasn1-6'], libtirpc: ['libtirpc3', 'libtirpc-common'],
  libunistring: ['libunistring2'], libxcrypt: ['libcrypt1'], libzstd: ['libzstd1'], lz4: ['liblz4-1'], mawk: [], ncurses: ['libtinfo6', 'ncurses-base', 'ncurses-bin'],
  nettle: ['libhogweed6', 'libnettle8'], openssl: ['openssl', 'libssl3'], 'p11-kit': ['libp11-kit0'], pam: ['libpam0g', 'libpam-modules', 'libpam-modules-bin', 'libpam-runtime'],
  pcre2: ['libpcre2-8-0'], perl: ['perl-base'], sed: [], shadow: ['login', 'passwd'], systemd: ['libsystemd0', 'libudev1'], sysvinit: ['sysvinit-utils'], tar: [],
  tzdata: [], 'usr-merge': ['usrmerge'], 'util-linux': ['util-linux', 'libblkid1', 'libmount1', 'libsmartcols1', 'libuuid1', 'bsdutils', 'mount'], 'xz-utils': ['liblzma5'], zlib: ['zlib1g'],
};
/** What a language runtime layer adds on Debian (curl, libraries the interpreter or JVM links). */
const DEBIAN_RUNTIME: Record<'node' | 'python' | 'jre', Record<string, string[]>> = {
  node: { curl: ['curl', 'libcurl4'], libssh2: ['libssh2-1'], nghttp2: ['libnghttp2-14'], rtmpdump: ['librtmp1'], openldap: ['libldap-2.5-0'], 'cyrus-sasl2': ['libsasl2-2', 'libsasl2-modules-db'], libpsl: ['libpsl5'], brotli: ['libbrotli1'], 'ca-certificates': [], icu: ['libicu72'], libuv1: ['libuv1'], 'c-ares': ['libc-ares2'] },
  python: { expat: ['libexpat1'], sqlite3: ['libsqlite3-0'], readline: ['libreadline8', 'readline-common'], gdbm: ['libgdbm6', 'libgdbm-compat4'], mpdecimal: ['libmpdec3'], libyaml: ['libyaml-0-2'], 'ca-certificates': [], curl: ['libcurl4'], libxml2: ['libxml2'], libxslt: ['libxslt1.1'], libuuid: [], 'netbase': [] },
  jre: { 'openjdk-17': ['openjdk-17-jre-headless'], 'ca-certificates-java': [], 'java-common': [], freetype: ['libfreetype6'], fontconfig: ['fontconfig-config', 'libfontconfig1'], 'libpng1.6': ['libpng16-16'], 'libjpeg-turbo': ['libjpeg62-turbo'], lcms2: ['liblcms2-2'], harfbuzz: ['libharfbuzz0b'], 'graphite2': ['libgraphite2-3'], 'glib2.0': ['libglib2.0-0'], nss: ['libnss3'], nspr: ['libnspr4'], 'alsa-lib': ['libasound2'], 'pcsc-lite': ['libpcsclite1'] },
};
/** Alpine origins of a base image and their binary packages. */
const ALPINE_BASE: Record<string, string[]> = {
  'alpine-baselayout': ['alpine-baselayout', 'alpine-baselayout-data'], 'alpine-keys': [], 'apk-tools': [], busybox: ['busybox', 'busybox-binsh', 'ssl_client'],
  'ca-certificates': ['ca-certificates-bundle'], 'libc-dev': ['libc-utils'], musl: ['musl', 'musl-utils'], openssl: ['libcrypto3', 'libssl3'], 'pax-utils': ['scanelf'], zlib: [],
};
const ALPINE_RUNTIME: Record<'node' | 'python', Record<string, string[]>> = {
  node: { gcc: ['libgcc', 'libstdc++'], 'c-ares': [], 'nghttp2': ['nghttp2-libs'], icu: ['icu-libs', 'icu-data-en'], libuv: [], brotli: ['brotli-libs'], 'ca-certificates': [] },
  python: { expat: ['libexpat'], bzip2: ['libbz2'], libffi: [], gdbm: [], xz: ['xz-libs'], ncurses: ['ncurses-libs', 'ncurses-terminfo-base'], readline: [], sqlite: ['sqlite-libs'], tzdata: [], 'ca-certificates': [], mpdecimal: [] },
};

/** Names per ecosystem that advisories are spread over; images use the first `USED` of the language ones. */
const UNIVERSE: Record<string, number> = { Debian: 1_500, Alpine: 800, npm: 30_000, PyPI: 15_000, Maven: 15_000, Go: 3_000 };
const USED: Record<string, number> = { npm: 20_000, PyPI: 10_000, Maven: 10_000, Go: 2_000 };
/** The most-used names of each language ecosystem (the first POPULAR), drawn from by every image. */
const POPULAR = 300;

const osSourceNames = (ecosystem: 'Debian' | 'Alpine'): string[] => {
  const named = ecosystem === 'Debian' ? [...Object.keys(DEBIAN_BASE), ...Object.values(DEBIAN_RUNTIME).flatMap(Object.keys)] : [...Object.keys(ALPINE_BASE), ...Object.values(ALPINE_RUNTIME).flatMap(Object.keys)];
  const unique = [...new Set(named)];
  for (let n = 0; unique.length < (UNIVERSE[ecosystem] ?? 0); n++) unique.push(`src-${n}`);
  return unique;
};
const DEBIAN_SOURCES = osSourceNames('Debian');
const ALPINE_SOURCES = osSourceNames('Alpine');

/** A language package name: purl namespace and name, and the name OSV records it under. */
interface AppName {
  namespace: string | null;
  name: string;
  osvName: string;
}

function appName(ecosystem: string, n: number): AppName {
  switch (ecosystem) {
    case 'npm':
      return n % 5 === 0 ? { namespace: `@scope${n % 41}`, name: `pkg-${n}`, osvName: `@scope${n % 41}/pkg-${n}` } : { namespace: null, name: `pkg-${n}`, osvName: `pkg-${n}` };
    case 'PyPI':
      return { namespace: null, name: `py-lib-${n}`, osvName: `py-lib-${n}` };
    case 'Maven':
      return { namespace: `com.example.g${n % 61}`, name: `lib-${n}`, osvName: `com.example.g${n % 61}:lib-${n}` };
    default:
      return { namespace: `github.com/example${n % 53}`, name: `mod${n}`, osvName: `github.com/example${n % 53}/mod${n}` };
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Every package name has a major and minor version of its own; images differ in the patch level. */
function line(name: string): { major: number; minor: number } {
  const h = hash(name);
  return { major: 1 + (h % 4), minor: 2 + ((h >>> 8) % 30) };
}

/** The version string of patch level `patch` of `name`, in the ecosystem's (or distribution release's) spelling. */
function version(ecosystem: string, name: string, patch: number, release = ''): string {
  const { major, minor } = line(name);
  const core = `${major}.${minor}.${patch}`;
  switch (ecosystem) {
    case 'Debian':
      return release === '13' ? `${core}-1` : `${core}-1+deb${release}u1`;
    case 'Alpine':
      return `${core}-r0`;
    case 'Go':
      return `v${core}`;
    default:
      return core;
  }
}

// ---- Base images ----

type AppKind = 'node' | 'python' | 'jre';
const APP_ECOSYSTEM: Record<AppKind, 'npm' | 'PyPI' | 'Maven'> = { node: 'npm', python: 'PyPI', jre: 'Maven' };

/** A distribution release an image is built on, at one point in time (patch levels of its packages). */
interface BaseVariant {
  key: string;
  distro: OsRelease;
  ecosystem: 'Debian' | 'Alpine';
  release: string;
  /** Patch level of a source package in this variant. */
  patch(source: string): number;
  image: { name: string; tag: string };
  runtimes: AppKind[];
}

const osRelease = (id: string, versionId: string, prettyName: string, codename: string | null): OsRelease => ({ id, versionId, prettyName, name: prettyName.split(' ').slice(0, -1).join(' '), versionCodename: codename, idLike: [], path: '/etc/os-release' });
const bookworm = osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)', 'bookworm');
const bullseye = osRelease('debian', '11', 'Debian GNU/Linux 11 (bullseye)', 'bullseye');
const alpine320 = osRelease('alpine', '3.20.3', 'Alpine Linux v3.20', null);
const alpine319 = osRelease('alpine', '3.19.4', 'Alpine Linux v3.19', null);

/** Later point releases update about one source package in four. */
const bumped = (source: string, salt: string) => hash(`${salt}:${source}`) % 4 === 0;

const VARIANTS: BaseVariant[] = [
  { key: 'debian-12.6', distro: bookworm, ecosystem: 'Debian', release: '12', patch: () => 1, image: { name: 'docker.io/library/debian', tag: '12.6' }, runtimes: ['node', 'python', 'jre'] },
  { key: 'debian-12.8', distro: bookworm, ecosystem: 'Debian', release: '12', patch: (s) => (bumped(s, '12.8') ? 2 : 1), image: { name: 'docker.io/library/debian', tag: '12.8' }, runtimes: ['node', 'python', 'jre'] },
  { key: 'debian-11.11', distro: bullseye, ecosystem: 'Debian', release: '11', patch: () => 0, image: { name: 'docker.io/library/debian', tag: '11.11' }, runtimes: ['python', 'jre'] },
  { key: 'alpine-3.20.2', distro: alpine320, ecosystem: 'Alpine', release: 'v3.20', patch: () => 2, image: { name: 'docker.io/library/alpine', tag: '3.20.2' }, runtimes: ['node', 'python'] },
  { key: 'alpine-3.20.3', distro: alpine320, ecosystem: 'Alpine', release: 'v3.20', patch: (s) => (bumped(s, '3.20.3') ? 3 : 2), image: { name: 'docker.io/library/alpine', tag: '3.20.3' }, runtimes: ['node', 'python'] },
  { key: 'alpine-3.19.4', distro: alpine319, ecosystem: 'Alpine', release: 'v3.19', patch: () => 1, image: { name: 'docker.io/library/alpine', tag: '3.19.4' }, runtimes: ['node'] },
];

function osPackage(variant: BaseVariant, source: string, binary: string, layerDigest: string): Package {
  const patch = variant.patch(source);
  const v = version(variant.ecosystem, source, patch, variant.release);
  if (variant.ecosystem === 'Debian') {
    return {
      type: 'deb',
      namespace: 'debian',
      name: binary,
      version: v,
      purl: `pkg:deb/debian/${binary}@${encodeURIComponent(v)}?arch=amd64&distro=debian-${variant.release}`,
      authors: [`Debian ${source} maintainers <${source}@packages.debian.org>`],
      description: `${binary}: part of ${source}`,
      licenses: ['GPL-2.0-or-later', 'MIT', 'BSD-3-Clause', 'LGPL-2.1-or-later'][hash(source) % 4] as string,
      size: 10_000 + (hash(binary) % 5_000_000),
      locations: [{ path: '/var/lib/dpkg/status', layerDigest }],
      direct: null,
      dependsOn: binary === 'libc6' ? [] : ['libc6'],
      source: { name: source, version: v },
      arch: 'amd64',
      foundBy: 'dpkg@1',
      metadata: { section: binary.startsWith('lib') ? 'libs' : 'utils', priority: 'optional' },
    };
  }
  return {
    type: 'apk',
    namespace: 'alpine',
    name: binary,
    version: v,
    purl: `pkg:apk/alpine/${binary}@${v}?arch=x86_64&distro=alpine-${variant.distro.versionId}`,
    authors: ['Natanael Copa <ncopa@alpinelinux.org>'],
    description: `${binary} (from ${source})`,
    licenses: ['MIT', 'GPL-2.0-only', 'BSD-2-Clause', 'Apache-2.0'][hash(source) % 4] as string,
    size: 4_000 + (hash(binary) % 2_000_000),
    locations: [{ path: '/lib/apk/db/installed', layerDigest }],
    direct: null,
    dependsOn: binary === 'musl' ? [] : ['musl'],
    source: { name: source, version: v },
    arch: 'x86_64',
    foundBy: 'apk-db@1',
    metadata: { origin: source },
  };
}

function osPackages(variant: BaseVariant, sources: Record<string, string[]>, layerDigest: string): Package[] {
  return Object.entries(sources).flatMap(([source, binaries]) => (binaries.length ? binaries : [source]).map((b) => osPackage(variant, source, b, layerDigest)));
}

/** A base image with one language runtime on top: the first two layers of every application image built on it. */
interface Chain {
  variant: BaseVariant;
  runtime: AppKind;
  layers: LayerInfo[];
  packages: Package[];
  /** The runtime image's name in the catalog, e.g. `docker.io/library/node:20-debian-12.6`. */
  image: { name: string; tag: string };
}

function chains(): Chain[] {
  return VARIANTS.flatMap((variant) => {
    const base = layer(`base ${variant.key}`, variant.ecosystem === 'Debian' ? `# debian.sh --arch amd64 out/ ${variant.distro.versionCodename}` : 'ADD alpine-minirootfs-x86_64.tar.gz /');
    const basePackages = osPackages(variant, variant.ecosystem === 'Debian' ? DEBIAN_BASE : ALPINE_BASE, base.diffId);
    return variant.runtimes.map((runtime) => {
      const runtimeLayer = layer(`${runtime} on ${variant.key}`, `RUN /bin/sh -c set -eux; install ${runtime} runtime`);
      const table = variant.ecosystem === 'Debian' ? DEBIAN_RUNTIME[runtime] : ALPINE_RUNTIME[runtime as 'node' | 'python'];
      const name = { node: 'docker.io/library/node', python: 'docker.io/library/python', jre: 'docker.io/library/eclipse-temurin' }[runtime];
      return { variant, runtime, layers: [base, runtimeLayer], packages: [...basePackages, ...osPackages(variant, table, runtimeLayer.diffId)], image: { name, tag: `${variant.key}` } };
    });
  });
}

// ---- Application packages ----

function appPackage(ecosystem: string, n: number, patch: number, layerDigest: string, direct: boolean): Package {
  const { namespace, name } = appName(ecosystem, n);
  // What a package version depends on is part of it: the same in every image (as its manifest says).
  const used = USED[ecosystem] ?? POPULAR;
  const dependsOn = ecosystem === 'Go' ? [] : [(n * 7 + 3) % used, (n * 13 + 5) % used].slice(0, n % 3).map((d) => appName(ecosystem, d).osvName.replace(/^.*:/, ''));
  const v = version(ecosystem, `${ecosystem}:${n}`, patch);
  const author = [`Maintainer ${n % 997} <dev${n % 997}@example.org>`];
  switch (ecosystem) {
    case 'npm': {
      const full = namespace ? `${namespace}/${name}` : name;
      return { type: 'npm', namespace, name, version: v, purl: `pkg:npm/${namespace ? `${encodeURIComponent(namespace)}/` : ''}${name}@${v}`, authors: author, description: `${full}: a library`, licenses: n % 7 === 0 ? 'ISC' : 'MIT', size: null, locations: [{ path: `/app/node_modules/${full}/package.json`, layerDigest }], direct, dependsOn, source: null, arch: null, foundBy: 'npm-installed@1', metadata: { integrity: `sha512-${hash(`${full}@${v}`).toString(36)}` } };
    }
    case 'PyPI':
      return { type: 'pypi', namespace: null, name, version: v, purl: `pkg:pypi/${name}@${v}`, authors: author, description: `${name}: a library`, licenses: n % 3 === 0 ? 'BSD-3-Clause' : 'Apache-2.0', size: null, locations: [{ path: `/usr/local/lib/python3.12/site-packages/${name.replace(/-/g, '_')}-${v}.dist-info/METADATA`, layerDigest }], direct, dependsOn, source: null, arch: null, foundBy: 'python-installed@1', metadata: {} };
    case 'Maven':
      return { type: 'maven', namespace, name, version: v, purl: `pkg:maven/${namespace}/${name}@${v}`, authors: [], description: null, licenses: 'Apache-2.0', size: null, locations: [{ path: `/app/lib/${name}-${v}.jar`, layerDigest }], direct, dependsOn, source: null, arch: null, foundBy: 'java-archive@1', metadata: { groupId: namespace, artifactId: name } };
    default:
      return { type: 'golang', namespace, name, version: v, purl: `pkg:golang/${namespace}/${name}@${v}`, authors: [], description: null, licenses: 'NOASSERTION', size: null, locations: [{ path: '/app/server', layerDigest }], direct: null, dependsOn: [], source: null, arch: null, foundBy: 'go-binary@1', metadata: {} };
  }
}

/** Index of a popular name: skewed so the top few dozen appear in most images of their ecosystem. */
const popularIndex = (random: () => number) => Math.floor(POPULAR * random() ** 2.2);

// ---- Images ----

export interface Workload {
  /** The realistic images: 200 packages each, on the base chains. */
  images: Sbom[];
  /** Small images (a distroless Debian base and a Go binary) that fill the store up for re-evaluation. */
  light: Sbom[];
  /** The base and runtime images, for the public catalog. */
  catalog: CatalogEntry[];
  /** Stored images holding a package built from SHARED_SOURCE. */
  holdingShared: number;
}

const TOOL_VERSION = '0.1.0';
const GENERATED = new Date('2025-06-01T00:00:00Z');

/**
 * `images` images of `packagesPerImage` packages and `light` small ones. Images come from repositories of four tags
 * each; the tags of one repository share most of their packages (a later tag bumps some), and every image takes
 * about 40% of its application packages from the ecosystem's popular names, the rest from a long tail.
 */
export function buildWorkload(options: { images: number; light: number; packagesPerImage?: number }): Workload {
  const perImage = options.packagesPerImage ?? 200;
  const all = chains();
  const random = prng(20250601);
  const images: Sbom[] = [];
  const repositories = Math.max(1, Math.ceil(options.images / 4));
  for (let i = 0; i < options.images; i++) {
    const repo = i % repositories;
    const tag = Math.floor(i / repositories);
    const repoRandom = prng(7919 * (repo + 1));
    // Debian bases for seven images in ten.
    const debian = all.filter((c) => c.variant.ecosystem === 'Debian');
    const alpine = all.filter((c) => c.variant.ecosystem === 'Alpine');
    const pool = repoRandom() < 0.7 ? debian : alpine;
    const chain = pool[Math.floor(repoRandom() * pool.length)] as Chain;
    const ecosystem = APP_ECOSYSTEM[chain.runtime];
    const name = `team${repo % 37}/service-${repo}`;
    const deps = layer(`deps ${name}:${tag}`, chain.runtime === 'node' ? 'RUN /bin/sh -c npm ci --omit=dev' : chain.runtime === 'python' ? 'RUN /bin/sh -c pip install -r requirements.txt' : 'COPY build/libs/ /app/lib/');
    const code = layer(`code ${name}:${tag}`, 'COPY . /app');
    const count = Math.max(0, perImage - chain.packages.length);
    // The repository's package set (the same for every tag), then this tag's bumps.
    const chosen = new Map<number, number>();
    while (chosen.size < count) {
      const popular = repoRandom() < 0.4;
      const n = popular ? popularIndex(repoRandom) : POPULAR + Math.floor(repoRandom() * ((USED[ecosystem] ?? POPULAR * 2) - POPULAR));
      if (!chosen.has(n)) chosen.set(n, popular ? 1 + Math.floor(repoRandom() * 3) : Math.floor(repoRandom() * 4));
    }
    const app = [...chosen].map(([n, patch], k) => {
      const bump = tag > 0 && random() < 0.12 * tag ? 1 : 0;
      return appPackage(ecosystem, n, Math.min(4, patch + bump), deps.diffId, k % 4 === 0);
    });
    const meta = imageMetadata(name, `1.${tag}.0`, [...chain.layers, deps, code], chain);
    images.push(assembleSbom(meta, [...chain.packages, ...app], TOOL_VERSION, GENERATED));
  }

  // Light images: gcr.io/distroless/base-debian12 (its packages those of debian 12.8) and a Go binary.
  const variant = VARIANTS[1] as BaseVariant;
  const distroless = layer('distroless base-debian12', 'bazel build //base:base_debian12');
  const distrolessSources = ['base-files', 'glibc', 'openssl', 'zlib', 'tzdata', 'netbase', 'ca-certificates', 'gcc-12'];
  const distrolessPackages = distrolessSources.flatMap((s) => {
    const binaries = DEBIAN_BASE[s] ?? DEBIAN_RUNTIME.python[s] ?? [];
    return (binaries.length ? binaries.slice(0, 2) : [s]).map((b) => osPackage(variant, s, b, distroless.diffId));
  });
  const light: Sbom[] = [];
  for (let i = 0; i < options.light; i++) {
    const name = `edge/fn-${i}`;
    const binary = layer(`binary ${name}`, 'COPY server /app/server');
    const modules = [0, 1 + (i % 40), POPULAR + ((i * 13) % ((USED.Go ?? 600) - POPULAR))].map((n, k) => appPackage('Go', n, 1 + ((i + k) % 3), binary.diffId, false));
    const meta = imageMetadata(name, '1.0.0', [distroless, binary], { variant, image: { name: 'gcr.io/distroless/base-debian12', tag: 'latest' } });
    light.push(assembleSbom(meta, [...distrolessPackages, ...modules], TOOL_VERSION, GENERATED));
  }

  const catalog: CatalogEntry[] = [];
  const seen = new Set<string>();
  for (const c of all) {
    const base = c.variant.image;
    if (!seen.has(base.tag)) {
      seen.add(base.tag);
      catalog.push({ name: base.name, tag: base.tag, digest: null, layers: [c.layers[0]?.diffId as string] });
    }
    catalog.push({ name: c.image.name, tag: c.image.tag, digest: null, layers: c.layers.map((l) => l.diffId) });
  }
  catalog.push({ name: 'gcr.io/distroless/base-debian12', tag: 'latest', digest: null, layers: [distroless.diffId] });

  const holds = (s: Sbom) => s.packages.some((p) => p.source?.name === SHARED_SOURCE);
  return { images, light, catalog, holdingShared: images.filter(holds).length + light.filter(holds).length };
}

function imageMetadata(name: string, tag: string, layers: LayerInfo[], chain: Pick<Chain, 'variant' | 'image'>): ImageMetadata {
  const from = `${chain.image.name}:${chain.image.tag}`;
  return metadata(name, tag, layers, {
    osRelease: chain.variant.distro,
    provenance: {
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId: 'https://github.com/docker/buildx',
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [{ uri: `pkg:docker/${chain.image.name.replace(/^docker\.io\/library\//, '')}@${chain.image.tag}?platform=linux%2Famd64`, digest: { sha256: hash(from).toString(16).padStart(64, '0') } }],
      baseImage: from,
      vcs: { source: `https://github.com/example/${name}`, revision: hash(`${name}:${tag}`).toString(16).padStart(40, '0') },
      dockerfile: `FROM ${from}\nCOPY . /app\n`,
      dockerfilePath: 'Dockerfile',
    },
  });
}

// ---- Advisories ----

const VECTORS = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
  'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N',
  'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
  'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N',
];
const DETAILS = 'Crafted input makes the parser read past the end of a buffer; a remote attacker who can supply such input may crash the process or read adjacent memory. ';

/** Advisory records per ecosystem for every `total` advisories, roughly as OSV's own mix. */
const SHARE: [ecosystem: string, share: number][] = [
  ['Debian', 0.35],
  ['Alpine', 0.125],
  ['npm', 0.275],
  ['PyPI', 0.125],
  ['Maven', 0.1],
  ['Go', 0.025],
];

/**
 * Where an advisory's fix lands relative to the patch levels images carry (0 to 4): most fixes predate every
 * stored version (nothing affected), some fall among them, a few are not fixed yet.
 */
function fixedPatch(random: () => number): number | null {
  const r = random();
  if (r < 0.78) return -1;
  if (r < 0.95) return 1 + Math.floor(random() * 4);
  return null;
}

/**
 * `total` OSV records (ids built from `prefix`), spread over the ecosystems' names: language advisories favour the
 * popular names a little, as real ones favour widely used packages. By ecosystem, as the dumps are laid out.
 */
export function advisoryRecords(total: number, prefix: string, seed: number, modified: string): Record<string, Json[]> {
  const random = prng(seed);
  const out: Record<string, Json[]> = {};
  let serial = 0;
  for (const [ecosystem, share] of SHARE) {
    const records: Json[] = [];
    const count = Math.round(total * share);
    for (let i = 0; i < count; i++) {
      serial++;
      const cve = `CVE-${prefix}-${String(serial).padStart(5, '0')}`;
      const fixed = fixedPatch(random);
      const severity = random() < 0.6 ? [{ type: 'CVSS_V3', score: VECTORS[Math.floor(random() * VECTORS.length)] }] : undefined;
      const events = (name: string, release = '') => {
        const { major, minor } = line(name);
        // Go's records use SEMVER ranges, written without the `v` its module versions carry.
        const scheme = ecosystem === 'Go' ? 'npm' : ecosystem;
        const at = fixed === null ? null : fixed < 0 ? version(scheme, name, 0, release).replace(`${major}.${minor}.`, `${major}.${minor - 1}.`) : version(scheme, name, fixed, release);
        return [{ introduced: '0' }, ...(at === null ? [] : [{ fixed: at }])];
      };
      if (ecosystem === 'Debian' || ecosystem === 'Alpine') {
        const sources = ecosystem === 'Debian' ? DEBIAN_SOURCES : ALPINE_SOURCES;
        const name = sources[Math.floor(sources.length * random() ** 1.1)] as string;
        const releases = ecosystem === 'Debian' ? ['11', '12', '13'] : ['v3.19', 'v3.20'];
        records.push({
          id: `${ecosystem.toUpperCase()}-${cve}`,
          modified,
          published: modified,
          upstream: [cve],
          details: DETAILS,
          ...(severity ? { severity } : {}),
          affected: releases.map((release) => ({
            package: { ecosystem: `${ecosystem}:${release}`, name, ...(ecosystem === 'Debian' ? { purl: `pkg:deb/debian/${name}?arch=source` } : {}) },
            ranges: [{ type: 'ECOSYSTEM', events: events(name, release) }],
          })),
        });
      } else {
        const n = random() < 0.15 ? Math.floor(random() * POPULAR) : Math.floor(random() * (UNIVERSE[ecosystem] ?? 1000));
        const { osvName } = appName(ecosystem, n);
        records.push({
          id: `GHSA-${prefix}-${serial.toString(36).padStart(4, '0')}-${ecosystem.toLowerCase().slice(0, 4)}`,
          modified,
          published: modified,
          aliases: [cve],
          summary: `${osvName}: crafted input causes an out-of-bounds read`,
          details: DETAILS,
          ...(severity ? { severity } : {}),
          affected: [{ package: { ecosystem, name: osvName }, ranges: [{ type: ecosystem === 'Go' ? 'SEMVER' : 'ECOSYSTEM', events: events(`${ecosystem}:${n}`) }] }],
          references: [{ type: 'ADVISORY', url: `https://github.com/advisories/${cve}` }],
        });
      }
    }
    out[ecosystem] = records;
  }
  return out;
}

/**
 * One new advisory for SHARED_SOURCE, affecting every stored version of it on every Debian and Alpine release the
 * bases run: what every stored image must show once re-evaluated. Its display id is `cve`.
 */
export function sharedAdvisory(cve: string, modified: string): Json {
  const fixedAt = (ecosystem: string, release: string) => version(ecosystem, SHARED_SOURCE, 9, release);
  return {
    id: `OSV-${cve}`,
    modified,
    published: modified,
    aliases: [cve],
    summary: `${SHARED_SOURCE}: crafted certificate causes an out-of-bounds read`,
    details: DETAILS,
    severity: [{ type: 'CVSS_V3', score: VECTORS[0] }],
    affected: [
      ...['11', '12'].map((release) => ({ package: { ecosystem: `Debian:${release}`, name: SHARED_SOURCE }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: fixedAt('Debian', release) }] }] })),
      ...['v3.19', 'v3.20'].map((release) => ({ package: { ecosystem: `Alpine:${release}`, name: SHARED_SOURCE }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: fixedAt('Alpine', release) }] }] })),
    ],
  };
}

/**
 * Write OSV `records` into the advisory store at `location` (as source `bench:preload`), before the server that
 * opens the same store starts: a bench's starting advisories, without timing a download.
 */
export async function preloadAdvisories(location: StoreLocation, records: readonly Json[]): Promise<void> {
  const store = await AdvisoryStore.open(location);
  try {
    for (let i = 0; i < records.length; i += 500) await store.upsert(records.slice(i, i + 500).map((r) => parseOsvRecord(r, 'bench')), 'bench:preload');
    await store.recordSource('bench:preload', null, records.length);
  } finally {
    await store.close();
  }
}
