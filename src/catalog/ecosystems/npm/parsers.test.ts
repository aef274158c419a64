// Unit tests for the JavaScript parsers on small hand-written inputs: fields, direct/dev from root manifests, aliases,
// workspaces, peers and malformed input.
import { npmName } from './npm-package.ts';
import { describe, expect, it } from 'vitest';
import { isSextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { rootManifestOf } from './npm-package.ts';
import { installPlace, parseInstalledPackageJson } from './parse-package-json.ts';
import { parsePackageLock, parsePackageLockWith } from './parse-package-lock.ts';
import { parsePnpmLock } from './parse-pnpm-lock.ts';
import { parseYarnLock, parseYarnLockWith } from './parse-yarn-lock.ts';

function ctxAt(path: string, files: Record<string, string> = {}): ParseContext {
  return {
    location: { path, layerDigest: 'sha256:abc' },
    distro: null,
    foundBy: 'npm-test@1',
    readFile: (p) => Promise.resolve(files[p] === undefined ? undefined : Buffer.from(files[p])),
  };
}

const buf = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const byId = (pkgs: Package[]): Map<string, Package> => new Map(pkgs.map((p) => [`${npmName(p)}@${p.version}`, p]));

describe('installed package.json', () => {
  it('knows which package.json files are package manifests', () => {
    expect(installPlace('/app/node_modules/a/package.json')).toEqual({ rootManifest: '/app/package.json', topLevel: true, global: false });
    expect(installPlace('/app/node_modules/@s/b/package.json')?.topLevel).toBe(true);
    expect(installPlace('/app/node_modules/a/node_modules/@s/c/package.json')?.topLevel).toBe(false);
    expect(installPlace('/app/node_modules/a/dist/package.json')).toBeUndefined();
    expect(installPlace('/app/node_modules/a/test/fixtures/x/package.json')).toBeUndefined();
    expect(installPlace('/app/package.json')).toBeUndefined();
    expect(installPlace('/usr/local/lib/node_modules/npm/package.json')?.global).toBe(true);
    // pnpm's store: top level when the root names it, since the top-level links are not walked.
    expect(installPlace('/app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json')?.topLevel).toBe(true);
    expect(installPlace('/app/node_modules/.pnpm/a@1.0.0/node_modules/a/node_modules/b/package.json')?.topLevel).toBe(false);
  });

  it('reads name, version, people, licence, description and dependencies', () => {
    const root = rootManifestOf({ dependencies: { '@s/a': '^1' }, devDependencies: { d: '^1' } });
    const [pkg] = parseInstalledPackageJson(
      buf({
        name: '@s/a',
        version: '1.2.3',
        description: 'A thing',
        author: { name: 'Ann', email: 'ann@example.org' },
        contributors: ['Bob <bob@example.org>', { name: 'Cy' }],
        license: { type: 'MIT' },
        dependencies: { b: '^2' },
        optionalDependencies: { c: '^3' },
        _resolved: 'https://registry.npmjs.org/@s/a/-/a-1.2.3.tgz',
      }),
      ctxAt('/app/node_modules/@s/a/package.json'),
      root,
    );
    expect(pkg).toMatchObject({
      type: 'npm',
      namespace: '@s',
      name: 'a',
      version: '1.2.3',
      purl: 'pkg:npm/%40s/a@1.2.3',
      authors: ['Ann <ann@example.org>', 'Bob <bob@example.org>', 'Cy'],
      description: 'A thing',
      licenses: 'MIT',
      direct: true,
      dependsOn: ['b', 'c'],
      locations: [{ path: '/app/node_modules/@s/a/package.json', layerDigest: 'sha256:abc' }],
      foundBy: 'npm-test@1',
      metadata: { resolved: 'https://registry.npmjs.org/@s/a/-/a-1.2.3.tgz' },
    });
    const [dev] = parseInstalledPackageJson(buf({ name: 'd', version: '1.0.0' }), ctxAt('/app/node_modules/d/package.json'), root);
    expect(dev?.direct).toBe(true);
    expect(dev?.metadata['dev']).toBe(true);
  });

  it('reads legacy licence arrays as a choice', () => {
    const [pkg] = parseInstalledPackageJson(
      buf({ name: 'x', version: '1.0.0', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }),
      ctxAt('/app/node_modules/x/package.json'),
      undefined,
    );
    expect(pkg?.licenses).toBe('MIT OR Apache-2.0');
    expect(pkg?.direct).toBeNull();
  });

  it('skips stubs, fixtures and malformed JSON without throwing', () => {
    expect(parseInstalledPackageJson(buf({ type: 'module' }), ctxAt('/app/node_modules/x/package.json'), undefined)).toEqual([]);
    expect(parseInstalledPackageJson(buf('{not json'), ctxAt('/app/node_modules/x/package.json'), undefined)).toEqual([]);
    expect(parseInstalledPackageJson(buf({ name: 'f', version: '1.0.0' }), ctxAt('/app/node_modules/x/test/package.json'), undefined)).toEqual([]);
  });
});

describe('package-lock.json', () => {
  it('v1: direct and dev from package.json, aliases, nested copies', async () => {
    const lock = {
      lockfileVersion: 1,
      dependencies: {
        a: { version: '1.0.0', requires: { b: '^1' } },
        b: { version: '1.0.0' },
        t: { version: '2.0.0', dev: true, dependencies: { b: { version: '2.0.0', dev: true } } },
        al: { version: 'npm:real@3.0.0' },
      },
    };
    const files = { '/app/package.json': JSON.stringify({ dependencies: { a: '^1', al: 'npm:real@^3' }, devDependencies: { t: '^2' } }) };
    const pkgs = byId(await parsePackageLock(buf(lock), ctxAt('/app/package-lock.json', files)));
    expect([...pkgs.keys()].sort()).toEqual(['a@1.0.0', 'b@1.0.0', 'b@2.0.0', 'real@3.0.0', 't@2.0.0']);
    expect(pkgs.get('a@1.0.0')).toMatchObject({ direct: true, dependsOn: ['b'] });
    expect(pkgs.get('b@1.0.0')?.direct).toBe(false);
    expect(pkgs.get('b@2.0.0')).toMatchObject({ direct: false, metadata: { dev: true } });
    expect(pkgs.get('real@3.0.0')).toMatchObject({ direct: true, metadata: { alias: 'al' } });
    // Without a package.json, a v1 lockfile cannot say what is direct.
    const bare = await parsePackageLock(buf(lock), ctxAt('/app/package-lock.json'));
    expect(bare.every((p) => p.direct === null)).toBe(true);
  });

  it('v3: merges copies, keeps peers, optional and aliases', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': { dependencies: { a: '^1', foo: 'npm:bar@^2' }, devDependencies: { t: '^1' } },
        'node_modules/a': { version: '1.0.0', license: 'ISC', dependencies: { b: '^1' }, peerDependencies: { p: '*', q: '*' }, peerDependenciesMeta: { q: { optional: true } } },
        'node_modules/b': { version: '1.0.0', optional: true },
        'node_modules/t': { version: '1.0.0', dev: true, dependencies: { b: '^1' } },
        'node_modules/t/node_modules/b': { version: '1.0.0', dev: true },
        'node_modules/foo': { name: 'bar', version: '2.0.0' },
      },
    };
    const pkgs = byId(parsePackageLockWith(buf(lock), ctxAt('/app/package-lock.json'), undefined));
    expect(pkgs.size).toBe(4);
    expect(pkgs.get('a@1.0.0')).toMatchObject({ direct: true, licenses: 'ISC', dependsOn: ['b', 'p'] });
    // One copy of b is production, so b is not dev.
    expect(pkgs.get('b@1.0.0')).toMatchObject({ direct: false, metadata: { optional: true } });
    expect(pkgs.get('b@1.0.0')?.metadata['dev']).toBeUndefined();
    expect(pkgs.get('t@1.0.0')).toMatchObject({ direct: true, metadata: { dev: true } });
    expect(pkgs.get('bar@2.0.0')).toMatchObject({ direct: true, purl: 'pkg:npm/bar@2.0.0', metadata: { alias: 'foo' } });
  });

  it('reports the project itself, marked root, when the lockfile names and versions it (v1 and v3)', () => {
    const v3 = { name: 'shop', version: '2.1.0', lockfileVersion: 3, packages: { '': { name: 'shop', version: '2.1.0', license: 'MIT', dependencies: { a: '^1' } }, 'node_modules/a': { version: '1.0.0' } } };
    const root = parsePackageLockWith(buf(v3), ctxAt('/srv/shop/package-lock.json'), undefined).find((p) => p.metadata['root'] === true);
    expect(root).toMatchObject({ name: 'shop', version: '2.1.0', purl: 'pkg:npm/shop@2.1.0', direct: null, licenses: 'MIT', dependsOn: ['a'] });
    const v1 = { name: '@acme/web', version: '0.3.0', lockfileVersion: 1, dependencies: { a: { version: '1.0.0' } } };
    expect(parsePackageLockWith(buf(v1), ctxAt('/app/package-lock.json'), undefined).filter((p) => p.metadata['root'] === true).map((p) => p.purl)).toEqual(['pkg:npm/%40acme/web@0.3.0']);
    // An unversioned project is no package an advisory could name.
    const unversioned = { name: 'tool', lockfileVersion: 3, packages: { '': { name: 'tool' } } };
    expect(parsePackageLockWith(buf(unversioned), ctxAt('/app/package-lock.json'), undefined)).toEqual([]);
  });

  it('throws CORRUPT only for a file that is not JSON', async () => {
    await expect(parsePackageLock(buf('nope'), ctxAt('/app/package-lock.json'))).rejects.toSatisfy((e) => isSextantError(e, 'CORRUPT'));
  });
});

describe('yarn.lock', () => {
  const classic = `# yarn lockfile v1


"@s/a@^1.0.0", "@s/a@^1.1.0":
  version "1.1.0"
  resolved "https://registry.yarnpkg.com/@s/a/-/a-1.1.0.tgz#abc"
  integrity sha512-xyz
  dependencies:
    b "^2.0.0"

b@^2.0.0:
  version "2.0.1"

t@^1:
  version "1.0.0"
  dependencies:
    b "^2.0.0"
    u "1.0.0"

u@1.0.0:
  version "1.0.0"

al@npm:real@^3:
  version "3.0.0"
`;

  it('classic: entries, edges, direct and dev from package.json', async () => {
    const files = { '/srv/package.json': JSON.stringify({ dependencies: { '@s/a': '^1.1.0', al: 'npm:real@^3' }, devDependencies: { t: '^1' } }) };
    const pkgs = byId(await parseYarnLock(buf(classic), ctxAt('/srv/yarn.lock', files)));
    expect([...pkgs.keys()].sort()).toEqual(['@s/a@1.1.0', 'b@2.0.1', 'real@3.0.0', 't@1.0.0', 'u@1.0.0']);
    expect(pkgs.get('@s/a@1.1.0')).toMatchObject({
      direct: true,
      purl: 'pkg:npm/%40s/a@1.1.0',
      dependsOn: ['b'],
      metadata: { resolved: 'https://registry.yarnpkg.com/@s/a/-/a-1.1.0.tgz#abc', integrity: 'sha512-xyz' },
    });
    expect(pkgs.get('b@2.0.1')?.metadata['dev']).toBeUndefined();
    expect(pkgs.get('t@1.0.0')).toMatchObject({ direct: true, metadata: { dev: true } });
    expect(pkgs.get('u@1.0.0')).toMatchObject({ direct: false, metadata: { dev: true } });
    expect(pkgs.get('real@3.0.0')?.direct).toBe(true);
    const bare = parseYarnLockWith(buf(classic), ctxAt('/srv/yarn.lock'), undefined);
    expect(bare.every((p) => p.direct === null)).toBe(true);
  });

  it('berry: root workspace gives direct deps; patches and the root are not packages', () => {
    const berry = `__metadata:
  version: 6
  cacheKey: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    resolve: ^1.22.1
    lib: "workspace:packages/lib"
  languageName: unknown
  linkType: soft

"lib@workspace:packages/lib":
  version: 0.0.0-use.local
  resolution: "lib@workspace:packages/lib"
  dependencies:
    ms: ^2.1.2
  languageName: unknown
  linkType: soft

"resolve@npm:^1.22.1":
  version: 1.22.1
  resolution: "resolve@npm:1.22.1"
  dependencies:
    is-core-module: ^2.9.0
  checksum: 07e179f4
  languageName: node
  linkType: hard

"resolve@patch:resolve@^1.22.1#~builtin<compat/resolve>":
  version: 1.22.1
  resolution: "resolve@patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1&hash=c3c19d"
  dependencies:
    is-core-module: ^2.9.0
  languageName: node
  linkType: hard

"is-core-module@npm:^2.9.0":
  version: 2.11.0
  resolution: "is-core-module@npm:2.11.0"
  languageName: node
  linkType: hard

"ms@npm:^2.1.2":
  version: 2.1.3
  resolution: "ms@npm:2.1.3"
  languageName: node
  linkType: hard
`;
    const pkgs = byId(parseYarnLockWith(buf(berry), ctxAt('/w/yarn.lock'), undefined));
    expect([...pkgs.keys()].sort()).toEqual(['is-core-module@2.11.0', 'lib@0.0.0-use.local', 'ms@2.1.3', 'resolve@1.22.1']);
    expect(pkgs.get('resolve@1.22.1')).toMatchObject({ direct: true, dependsOn: ['is-core-module'], metadata: { checksum: '07e179f4' } });
    expect(pkgs.get('is-core-module@2.11.0')?.direct).toBe(false);
    expect(pkgs.get('lib@0.0.0-use.local')?.direct).toBe(true);
    expect(pkgs.get('ms@2.1.3')?.direct).toBe(false);
  });
});

describe('pnpm-lock.yaml', () => {
  it('v5: scoped keys with peer suffixes, explicit dev flags', () => {
    const lock = `lockfileVersion: 5.4

specifiers:
  '@s/a': ^1.0.0
  t: ^1.0.0

dependencies:
  '@s/a': 1.0.0_react@18.1.0

devDependencies:
  t: 1.0.0

packages:

  /@s/a/1.0.0_react@18.1.0:
    resolution: {integrity: sha512-aaa}
    dependencies:
      b: 2.0.0
    dev: false

  /b/2.0.0:
    resolution: {integrity: sha512-bbb}
    dev: false

  /t/1.0.0:
    resolution: {integrity: sha512-ttt}
    dev: true
`;
    const pkgs = byId(parsePnpmLock(buf(lock), ctxAt('/p/pnpm-lock.yaml')));
    expect(pkgs.get('@s/a@1.0.0')).toMatchObject({ direct: true, purl: 'pkg:npm/%40s/a@1.0.0', dependsOn: ['b'], metadata: { peers: 'react@18.1.0', integrity: 'sha512-aaa' } });
    expect(pkgs.get('b@2.0.0')?.direct).toBe(false);
    expect(pkgs.get('t@1.0.0')).toMatchObject({ direct: true, metadata: { dev: true } });
  });

  it('v9: aliases and workspace links resolve; links are not packages', () => {
    const lock = `lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      sw:
        specifier: npm:string-width@^4
        version: string-width@4.2.3
      lib:
        specifier: workspace:*
        version: link:packages/lib
  packages/lib:
    devDependencies:
      ms:
        specifier: ^2
        version: 2.1.3

packages:
  string-width@4.2.3:
    resolution: {integrity: sha512-sss}
  ms@2.1.3:
    resolution: {integrity: sha512-mmm}

snapshots:
  string-width@4.2.3: {}
  ms@2.1.3: {}
`;
    const pkgs = byId(parsePnpmLock(buf(lock), ctxAt('/p/pnpm-lock.yaml')));
    expect([...pkgs.keys()].sort()).toEqual(['ms@2.1.3', 'string-width@4.2.3']);
    expect(pkgs.get('string-width@4.2.3')?.direct).toBe(true);
    expect(pkgs.get('ms@2.1.3')).toMatchObject({ direct: true, metadata: { dev: true } });
  });

  it('throws CORRUPT for unreadable YAML', () => {
    expect(() => parsePnpmLock(buf('a: [unclosed'), ctxAt('/p/pnpm-lock.yaml'))).toThrow(/pnpm-lock.yaml/);
  });
});
