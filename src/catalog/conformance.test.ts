// Conformance, end to end: every fixture in ../shared/vectors/fixtures is placed where its kind lives in an image,
// cataloged through analyzeImage with the default cataloger set, and must yield the packages its expected.json lists.
// Where an expectation encodes a peer's quirk rather than the format's meaning, EXCEPTIONS says so and asserts the meaning.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImage } from '../analyze/analyze.ts';
import type { Package, PackageType } from '../core/package.ts';
import { npmName } from './ecosystems/npm/npm-package.ts';
import { normalizeName } from './ecosystems/python/python-package.ts';
import { defaultCatalogers } from './registry.ts';

const FIXTURES = new URL('../../../shared/vectors/fixtures/', import.meta.url);

/** What an origin asserts about one package, in the origin's own field names (`name`/`version` always present). */
type Asserted = Record<string, unknown>;

/** One fixture's expected.json. */
interface Expected {
  origin: { input_path?: string; test_case?: string };
  note?: string;
  inputs: string[];
  packages?: Asserted[];
  /** Trivy's analyzer fixtures (dpkg) group the packages by the file they came from, with Trivy's field names. */
  packageInfos?: { FilePath: string; packages: Asserted[] }[];
}

/** An expected package: its name as its ecosystem identifies packages, and its version (null: the origin has none). */
interface Wanted {
  name: string;
  version: string | null;
}

/** An os-release for the distributions whose OS package catalogers need one. */
interface Distro {
  id: string;
  versionId: string;
  text: string;
}

const DEBIAN: Distro = {
  id: 'debian',
  versionId: '12',
  text: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
};
const ALPINE: Distro = { id: 'alpine', versionId: '3.20.3', text: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n' };
const RHEL: Distro = {
  id: 'rhel',
  versionId: '8.8',
  text: 'NAME="Red Hat Enterprise Linux"\nVERSION="8.8 (Ootpa)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="8.8"\nPRETTY_NAME="Red Hat Enterprise Linux 8.8 (Ootpa)"\n',
};

/** Where a kind's files live in an image, and how its packages are named and versioned there. */
interface Placement {
  /** The package type the kind's packages carry. */
  type: PackageType;
  /** Image paths of the fixture's inputs, in the order of `inputs`; throws when an input cannot be placed. */
  paths(fixture: Expected, read: (input: string) => Buffer): string[];
  /** How the ecosystem identifies a package (npm `@scope/name`, Maven `group:artifact`, PEP 503 name…). */
  identity(p: Package): string;
  /** The same identity for a name the origin wrote; the name itself unless the ecosystem normalises names. */
  wantedName?(name: string): string;
  /** The origin's version in the form this ecosystem's packages carry it. */
  wantedVersion?(x: Asserted): string | null;
  /** The os-release the image needs for its OS packages. */
  distro?: Distro;
}

/** A fixture with one input, placed at `path` whatever the fixture called it (lockfile globs want exact names). */
function single(path: string): Placement['paths'] {
  return (fixture) => {
    if (fixture.inputs.length !== 1) throw new Error(`expected one input to place at ${path}, got ${JSON.stringify(fixture.inputs)}`);
    return [path];
  };
}

/** A fixture with one input, kept under its own name in `dir`, which must match `pattern` (the cataloger's glob). */
function named(dir: string, pattern: RegExp): Placement['paths'] {
  return (fixture) => {
    if (fixture.inputs.length !== 1) throw new Error(`expected one input to place in ${dir}, got ${JSON.stringify(fixture.inputs)}`);
    const input = fixture.inputs[0] as string;
    if (!pattern.test(input)) throw new Error(`${input} does not match ${String(pattern)}, the file name the cataloger looks for in ${dir}`);
    return [`${dir}/${input}`];
  };
}

const bare = (p: Package): string => p.name;
const slash = (p: Package): string => (p.namespace ? `${p.namespace}/${p.name}` : p.name);

/** An origin's version as written; absent means "none recorded", which the model writes as ''. */
function asWritten(x: Asserted): string | null {
  const v = 'version' in x ? x['version'] : x['Version'];
  if (v === null) return null;
  return v === undefined ? '' : String(v);
}

/** Trivy splits a Debian version into epoch, upstream version and revision; ours is the version as dpkg writes it. */
function debVersion(x: Asserted): string | null {
  if (!('Release' in x) && !('Epoch' in x)) return asWritten(x);
  const epoch = x['Epoch'] ? `${String(x['Epoch'])}:` : '';
  const release = x['Release'] ? `-${String(x['Release'])}` : '';
  return `${epoch}${String(x['Version'])}${release}`;
}

/**
 * go-rpmdb's `Version` is rpm's VERSION tag alone; a package's version is the [epoch:]version-release rpm compares
 * (the VERSION tag stays in metadata.version).
 */
function rpmVersion(x: Asserted): string | null {
  if (typeof x['Release'] !== 'string') throw new Error(`rpm expectation ${String(x['name'])} has no Release to build its version from`);
  const epoch = typeof x['Epoch'] === 'number' && x['Epoch'] > 0 ? `${x['Epoch']}:` : '';
  return `${epoch}${String(x['version'])}-${x['Release']}`;
}

/**
 * dpkg inputs sit where the origin kept them: Trivy's are already image paths (`var/lib/dpkg/status`), Syft's are
 * bare names whose origin path (`…/testdata/var/lib/dpkg/status.d/single`) says where they belong.
 */
const dpkgPaths: Placement['paths'] = (fixture) =>
  fixture.inputs.map((input) => {
    if (input.includes('/')) return `/${input}`;
    const origin = fixture.origin.input_path ?? '';
    const at = origin.indexOf('/var/lib/');
    if (at < 0 || !origin.endsWith(`/${input}`)) throw new Error(`cannot tell where dpkg input ${input} lives (origin path ${origin || 'missing'})`);
    return origin.slice(at);
  });

/** The `Name` and `Version` headers of Python core metadata (RFC 822 style: headers end at the first blank line). */
function coreMetadataHeaders(content: Buffer): { name: string; version: string } {
  const head = content.toString('utf8').split(/\r?\n\r?\n/, 1)[0] ?? '';
  const name = /^Name:[ \t]*(\S+)/im.exec(head)?.[1];
  const version = /^Version:[ \t]*(\S+)/im.exec(head)?.[1];
  if (!name || !version) throw new Error('core metadata without Name and Version headers');
  return { name, version };
}

/**
 * Installed Python packages live in a folder named after the distribution: `<name>-<version>.dist-info/METADATA` for
 * wheels, `<name>-<version>.egg-info/PKG-INFO` or a single-file `<name>-<version>.egg-info` for setuptools. The
 * fixtures are renamed copies (`zipp-3.12.1.METADATA`), so the folder is rebuilt from the metadata itself.
 */
const pythonMetadataPaths: Placement['paths'] = (fixture, read) =>
  fixture.inputs.map((input) => {
    const { name, version } = coreMetadataHeaders(read(input));
    const base = `/usr/lib/python3/site-packages/${name.toLowerCase().replace(/[-_.]+/g, '_')}-${version}`;
    if (input.endsWith('METADATA')) return `${base}.dist-info/METADATA`;
    if (input.endsWith('PKG-INFO')) return `${base}.egg-info/PKG-INFO`;
    if (input.endsWith('.egg-info')) return `${base}.egg-info`;
    throw new Error(`cannot tell whether ${input} is wheel or egg metadata`);
  });

const pypi = { type: 'pypi', identity: (p: Package) => normalizeName(p.name), wantedName: normalizeName } as const;
const npm = { type: 'npm', identity: npmName } as const;

/** Every fixture kind and where its files go; a kind without an entry fails. */
const PLACEMENTS: Record<string, Placement> = {
  dpkg: { type: 'deb', paths: dpkgPaths, identity: bare, wantedVersion: debVersion, distro: DEBIAN },
  apk: { type: 'apk', paths: single('/lib/apk/db/installed'), identity: bare, distro: ALPINE },
  'rpm-sqlite': { type: 'rpm', paths: single('/var/lib/rpm/rpmdb.sqlite'), identity: bare, wantedVersion: rpmVersion, distro: RHEL },
  'rpm-bdb': { type: 'rpm', paths: single('/var/lib/rpm/Packages'), identity: bare, wantedVersion: rpmVersion, distro: RHEL },
  // NDB is SUSE's format, kept under /usr/lib/sysimage/rpm (rpm ≥ 4.16), with /var/lib/rpm a link to it.
  'rpm-ndb': { type: 'rpm', paths: single('/usr/lib/sysimage/rpm/Packages.db'), identity: bare, wantedVersion: rpmVersion, distro: RHEL },
  npm: { ...npm, paths: single('/app/package-lock.json') },
  yarn: { ...npm, paths: single('/app/yarn.lock') },
  pnpm: { ...npm, paths: single('/app/pnpm-lock.yaml') },
  'python-metadata': { ...pypi, paths: pythonMetadataPaths },
  'python-requirements': { ...pypi, paths: single('/app/requirements.txt') },
  'python-pipfile-lock': { ...pypi, paths: single('/app/Pipfile.lock') },
  'python-poetry': { ...pypi, paths: single('/app/poetry.lock') },
  'python-uv': { ...pypi, paths: single('/app/uv.lock') },
  'ruby-gemspec': { type: 'gem', paths: named('/usr/local/bundle/specifications', /\.gemspec$/), identity: bare },
  'ruby-gemfile-lock': { type: 'gem', paths: single('/app/Gemfile.lock'), identity: bare },
  composer: { type: 'composer', paths: single('/app/composer.lock'), identity: slash },
  'rust-cargo-lock': { type: 'cargo', paths: single('/app/Cargo.lock'), identity: bare },
  'go-mod': { type: 'golang', paths: single('/app/go.mod'), identity: slash },
  'go-sum': { type: 'golang', paths: single('/app/go.sum'), identity: slash },
  'nuget-lock': { type: 'nuget', paths: single('/app/packages.lock.json'), identity: bare },
  'dotnet-deps-json': { type: 'nuget', paths: named('/app', /\.deps\.json$/), identity: bare },
  'dart-pub': { type: 'pub', paths: single('/app/pubspec.lock'), identity: bare },
  'hex-mix': { type: 'hex', paths: single('/app/mix.lock'), identity: bare },
  swift: { type: 'swift', paths: single('/app/Package.resolved'), identity: slash },
  'gradle-lockfile': { type: 'maven', paths: single('/app/gradle.lockfile'), identity: (p) => `${p.namespace ?? ''}:${p.name}` },
  'conda-meta': { type: 'conda', paths: named('/opt/conda/conda-meta', /\.json$/), identity: bare },
};

/** What a fixture's analysis found, for an exception to assert the meaning against. */
interface Outcome {
  /** Packages of the kind's type located at the placed inputs. */
  found: Package[];
  /** The placed inputs' image paths, in the order of `inputs`. */
  paths: string[];
  placement: Placement;
}

/**
 * An origin's expectation that encodes the origin's quirk (an option, a guess, a representation) rather than what
 * the file means. `meaning` asserts the meaning for the packages concerned and returns the expectations left for
 * the usual check.
 */
interface Exception {
  reason: string;
  meaning(wanted: Wanted[], outcome: Outcome): Wanted[];
}

const EXCEPTIONS: Record<string, Exception> = {
  'dpkg/syft__var_lib_dpkg_status.d_multiple': {
    reason:
      'Syft keeps a paragraph with a Package name and no Version (`no-version`) as a package with an empty version. ' +
      'dpkg cannot have installed such a thing, and Trivy drops the same paragraph: it is asserted absent.',
    meaning(wanted, { found, placement }) {
      const versionless = wanted.filter((w) => w.version === null);
      expect(versionless.length, 'a versionless expectation').toBeGreaterThan(0);
      for (const w of versionless) expect(found.filter((p) => placement.identity(p) === w.name)).toEqual([]);
      return wanted.filter((w) => w.version !== null);
    },
  },
  'dpkg/trivy__md5sums': {
    reason:
      "Trivy's case analyses only info/tar.md5sums and expects nothing from it. In an image that file sits beside the " +
      'status database, which declares tar: the md5sums file declares no package, and the status file still yields tar.',
    meaning(wanted, { found, paths }) {
      expect(wanted).toEqual([]);
      const md5sums = paths.filter((p) => p.endsWith('.md5sums'));
      expect(md5sums).toHaveLength(1);
      expect(found.filter((p) => p.locations.some((l) => md5sums.includes(l.path)))).toEqual([]);
      expect(found.map((p) => [p.name, p.locations[0]?.path])).toEqual([['tar', '/var/lib/dpkg/status']]);
      return [];
    },
  },
  'python-requirements/trivy__requirements_compatible.txt': {
    reason:
      "Trivy's \"use minimum version\" option reports `>= 4.1.1` or `~= 1.1` as if it were the installed version. No " +
      'line of this file pins a version (`==2.0.*` is a wildcard), so it names no exact package: nothing is reported.',
    meaning(wanted, { found, placement }) {
      for (const w of wanted) expect(found.some((p) => placement.identity(p) === w.name && p.version === w.version)).toBe(false);
      expect(found).toEqual([]);
      return [];
    },
  },
  'go-mod/trivy__replaced_go.mod__no_replace': {
    reason:
      'Trivy runs its parser with replace directives switched off, an option of its own; the go command always applies ' +
      'them. The replaced module is asserted at its replacement, recording the required version Trivy expects.',
    meaning(wanted, { found, placement }) {
      const rest: Wanted[] = [];
      let replaced = 0;
      for (const w of wanted) {
        if (found.some((p) => placement.identity(p) === w.name && p.version === w.version)) {
          rest.push(w);
          continue;
        }
        const p = found.find((q) => placement.identity(q) === w.name && (q.metadata['replaces'] as { version?: string } | undefined)?.version === w.version);
        expect(p, `${w.name} replacing ${String(w.version)}`).toBeDefined();
        expect(p?.version).not.toBe(w.version);
        replaced++;
      }
      expect(replaced).toBeGreaterThan(0);
      return rest;
    },
  },
  'dart-pub/trivy__happy.lock__use_minimum_version': {
    reason:
      "Trivy's \"use minimum version\" option reports SDK packages (locked as 0.0.0) at the lowest SDK version the " +
      'lockfile allows. The locked version stands; the SDK minimum is asserted in metadata.sdkMinimumVersion.',
    meaning(wanted, { found, placement }) {
      const rest: Wanted[] = [];
      let sdk = 0;
      for (const w of wanted) {
        const p = found.find((q) => placement.identity(q) === w.name && q.metadata['source'] === 'sdk');
        if (!p) {
          rest.push(w);
          continue;
        }
        expect(p.version).toBe('0.0.0');
        expect(p.metadata['sdkMinimumVersion']).toBe(w.version);
        sdk++;
      }
      expect(sdk).toBeGreaterThan(0);
      return rest;
    },
  },
  'swift/trivy__happy-v2-Package.resolved': {
    reason:
      'Trivy reports a branch pin (swift-ogg on branch "0.0.1") at its branch name. A branch moves: the package is ' +
      'the commit it resolved to, with the branch kept in metadata.branch, which is asserted against the expectation.',
    meaning(wanted, { found, placement }) {
      const rest: Wanted[] = [];
      let pins = 0;
      for (const w of wanted) {
        const p = found.find((q) => placement.identity(q) === w.name && q.metadata['branch'] !== undefined && q.version === q.metadata['revision']);
        if (!p) {
          rest.push(w);
          continue;
        }
        expect(p.metadata['branch']).toBe(w.version);
        pins++;
      }
      expect(pins).toBeGreaterThan(0);
      return rest;
    },
  },
};

/** Every fixture folder, as `<kind>/<folder>`; folders without expected.json are kept so that they fail. */
const kinds = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const fixtures = kinds.flatMap((kind) =>
  readdirSync(new URL(`${kind}/`, FIXTURES), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${kind}/${d.name}`)
    .sort(),
);

/** The expected packages in the ecosystem's own naming and version form. */
function wantedOf(expected: Expected, placement: Placement): Wanted[] {
  const asserted = expected.packages ?? (expected.packageInfos ?? []).flatMap((i) => i.packages);
  return asserted.map((x) => {
    const name = x['name'] ?? x['Name'];
    if (typeof name !== 'string') throw new Error(`an expected package has no name: ${JSON.stringify(x)}`);
    return { name: placement.wantedName ? placement.wantedName(name) : name, version: (placement.wantedVersion ?? asWritten)(x) };
  });
}

const catalogers = defaultCatalogers();
let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'sextant-conformance-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('conformance: every shared fixture through the default catalogers', () => {
  it('knows where every kind of fixture lives in an image', () => {
    expect(kinds).toHaveLength(26);
    expect(kinds.filter((k) => !(k in PLACEMENTS)), 'kinds without a placement rule').toEqual([]);
    expect(Object.keys(PLACEMENTS).filter((k) => !kinds.includes(k)), 'placement rules without fixtures').toEqual([]);
    expect(Object.keys(EXCEPTIONS).filter((f) => !fixtures.includes(f)), 'exceptions without fixtures').toEqual([]);
  });

  it.each(fixtures)('%s', async (fixture) => {
    const kind = fixture.slice(0, fixture.indexOf('/'));
    const placement = PLACEMENTS[kind];
    if (!placement) throw new Error(`no placement rule for kind ${kind}: say where its files live in an image`);
    const source = new URL(`${fixture}/`, FIXTURES);
    const expected = JSON.parse(readFileSync(new URL('expected.json', source), 'utf8')) as Expected;
    const read = (input: string): Buffer => readFileSync(new URL(input, source));
    const paths = placement.paths(expected, read);

    const root = mkdtempSync(join(scratch, `${kind}-`));
    try {
      expected.inputs.forEach((input, i) => {
        const target = join(root, paths[i] as string);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, read(input));
      });
      if (placement.distro) {
        mkdirSync(join(root, 'etc'), { recursive: true });
        writeFileSync(join(root, 'etc/os-release'), placement.distro.text);
      }

      const analysis = await analyzeImage(`fs://${root}`, { platform: null, catalogers });
      const placed = new Set(paths);
      const found = analysis.packages.filter((p) => p.type === placement.type && p.locations.some((l) => placed.has(l.path)));

      if (placement.distro) {
        // The os-release reached the OS packages: their purls carry the distribution.
        expect(analysis.metadata.osRelease?.id).toBe(placement.distro.id);
        for (const p of found) expect(p.purl, p.name).toContain(`distro=${placement.distro.id}-${placement.distro.versionId}`);
      }

      const all = wantedOf(expected, placement);
      const exception = EXCEPTIONS[fixture];
      const wanted = exception ? exception.meaning(all, { found, paths, placement }) : all;
      if (all.length === 0 && !exception) {
        // The origin expects nothing from this file: no dependency is invented. The project itself may be reported,
        // marked metadata.root as every ecosystem marks its application (origins list what it depends on).
        const roots = found.filter((p) => p.metadata['root'] === true);
        expect(roots.length, 'projects reported as root').toBeLessThanOrEqual(1);
        expect(found.filter((p) => !roots.includes(p)).map((p) => `${p.name}@${p.version}`)).toEqual([]);
      }
      // At least the expected packages (some origins asserted only a subset), each with its name and version.
      const missing = wanted
        .filter((w) => !found.some((p) => placement.identity(p) === w.name && p.version === w.version))
        .map((w) => {
          const sameName = found.filter((p) => placement.identity(p) === w.name).map((p) => p.version);
          return `${w.name}@${String(w.version)}${sameName.length ? ` (found at ${sameName.join(', ')})` : ' (not found)'}`;
        });
      expect(missing, `expected packages missing from ${paths.join(', ')}`).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
