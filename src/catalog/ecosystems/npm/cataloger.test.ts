// End-to-end tests of the JavaScript catalogers through a real FileResolver over a populated root filesystem.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import type { CatalogEnv } from '../../cataloger.ts';
import { npmInstalledCataloger, npmLockCataloger } from './cataloger.ts';

const files: Record<string, unknown> = {
  'app/package.json': { name: 'app', version: '1.0.0', dependencies: { a: '^1' }, devDependencies: { '@s/b': '^2' } },
  'app/node_modules/a/package.json': { name: 'a', version: '1.0.0', license: 'MIT', dependencies: { c: '^1' } },
  'app/node_modules/a/dist/package.json': { type: 'module' },
  'app/node_modules/a/test/fixtures/package.json': { name: 'fixture', version: '0.0.1' },
  'app/node_modules/a/package-lock.json': { lockfileVersion: 3, packages: { 'node_modules/zz': { version: '9.9.9' } } },
  'app/node_modules/a/node_modules/c/package.json': { name: 'c', version: '1.0.0' },
  'app/node_modules/@s/b/package.json': { name: '@s/b', version: '2.0.0', dependencies: { c: '^1' } },
  'app/node_modules/@s/b/node_modules/c/package.json': { name: 'c', version: '1.0.0' },
  'app/package-lock.json': {
    lockfileVersion: 3,
    packages: {
      '': { name: 'app', dependencies: { a: '^1' }, devDependencies: { '@s/b': '^2' } },
      'node_modules/a': { version: '1.0.0', dependencies: { c: '^1' } },
      'node_modules/a/node_modules/c': { version: '1.0.0' },
      'node_modules/@s/b': { version: '2.0.0', dev: true },
    },
  },
  'usr/local/lib/node_modules/npm/package.json': { name: 'npm', version: '10.9.0' },
  'usr/local/lib/node_modules/npm/node_modules/abbrev/package.json': { name: 'abbrev', version: '3.0.0' },
  'srv/package.json': { dependencies: { ms: '^2' } },
  'srv/yarn.lock': 'ms@^2:\n  version "2.1.3"\n',
  'web/pnpm-lock.yaml': "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      ms:\n        specifier: ^2\n        version: 2.1.3\npackages:\n  ms@2.1.3:\n    resolution: {integrity: sha512-x}\nsnapshots:\n  ms@2.1.3: {}\n",
};

let dir: string;
let env: CatalogEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-npm-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  env = { resolver: await openRootfs(dir), distro: null, layerDigest: () => null };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const summary = (pkgs: Package[]) =>
  pkgs.map((p) => ({ purl: p.purl, path: p.locations[0]?.path, direct: p.direct, dev: p.metadata['dev'] === true })).sort((x, y) => x.purl.localeCompare(y.purl));

describe('npm catalogers on a root filesystem', () => {
  it('npm-installed finds package manifests only, with direct and dev from the app root', async () => {
    const pkgs = await npmInstalledCataloger.catalog(env);
    expect(summary(pkgs)).toEqual([
      { purl: 'pkg:npm/%40s/b@2.0.0', path: '/app/node_modules/@s/b/package.json', direct: true, dev: true },
      { purl: 'pkg:npm/a@1.0.0', path: '/app/node_modules/a/package.json', direct: true, dev: false },
      { purl: 'pkg:npm/abbrev@3.0.0', path: '/usr/local/lib/node_modules/npm/node_modules/abbrev/package.json', direct: false, dev: false },
      { purl: 'pkg:npm/c@1.0.0', path: '/app/node_modules/@s/b/node_modules/c/package.json', direct: false, dev: false },
      { purl: 'pkg:npm/npm@10.9.0', path: '/usr/local/lib/node_modules/npm/package.json', direct: true, dev: false },
    ]);
    expect(pkgs.every((p) => p.foundBy === 'npm-installed@1' && p.locations[0]?.layerDigest === null)).toBe(true);
    // Two nested copies of c@1.0.0 are one package with both locations.
    expect(pkgs.find((p) => p.name === 'c')?.locations.map((l) => l.path)).toEqual([
      '/app/node_modules/@s/b/node_modules/c/package.json',
      '/app/node_modules/a/node_modules/c/package.json',
    ]);
  });

  it('npm-lock reads lockfiles outside node_modules, with their root package.json', async () => {
    const pkgs = await npmLockCataloger.catalog(env);
    expect(summary(pkgs)).toEqual([
      { purl: 'pkg:npm/%40s/b@2.0.0', path: '/app/package-lock.json', direct: true, dev: true },
      { purl: 'pkg:npm/a@1.0.0', path: '/app/package-lock.json', direct: true, dev: false },
      { purl: 'pkg:npm/c@1.0.0', path: '/app/package-lock.json', direct: false, dev: false },
      { purl: 'pkg:npm/ms@2.1.3', path: '/srv/yarn.lock', direct: true, dev: false },
      { purl: 'pkg:npm/ms@2.1.3', path: '/web/pnpm-lock.yaml', direct: true, dev: false },
    ]);
    expect(pkgs.every((p) => p.foundBy === 'npm-lock@1')).toBe(true);
  });

  it('declares its globs', () => {
    expect(npmInstalledCataloger.globs).toContain('**/node_modules/**/package.json');
    expect(npmLockCataloger.globs).toEqual(expect.arrayContaining(['**/package-lock.json', '**/yarn.lock', '**/pnpm-lock.yaml', '**/package.json']));
  });
});
