// End to end: both Python catalogers over a real root filesystem, reading only the files their globs capture.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import { matchGlob } from '../../../layerfs/glob.ts';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import type { Cataloger, CatalogEnv } from '../../cataloger.ts';
import { pythonInstalledCataloger, pythonLockfileCataloger } from './cataloger.ts';

const SITE = '/usr/local/lib/python3.12/site-packages';

const FILES: Record<string, string> = {
  [`${SITE}/requests-2.31.0.dist-info/METADATA`]:
    "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nSummary: HTTP for Humans.\nAuthor: Kenneth Reitz\nAuthor-email: me@kennethreitz.org\nLicense: Apache 2.0\nRequires-Dist: idna (<4,>=2.5)\nRequires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'\n\nbody\n",
  [`${SITE}/requests-2.31.0.dist-info/RECORD`]:
    'requests/__init__.py,sha256=a,5000\nrequests/api.py,sha256=b,6000\nrequests-2.31.0.dist-info/RECORD,,\n',
  [`${SITE}/requests-2.31.0.dist-info/INSTALLER`]: 'pip\n',
  [`${SITE}/requests-2.31.0.dist-info/LICENSE`]: 'Apache License',
  [`${SITE}/idna-3.4.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: idna\nVersion: 3.4\nClassifier: License :: OSI Approved :: BSD License\n',
  [`${SITE}/attrs-23.1.0-py3.12.egg-info/PKG-INFO`]: 'Metadata-Version: 1.2\nName: attrs\nVersion: 23.1.0\nLicense: MIT\n',
  [`${SITE}/attrs-23.1.0-py3.12.egg-info/requires.txt`]: 'idna\n[docs]\nsphinx\n',
  '/usr/lib/python3/dist-packages/six-1.16.0.egg-info': 'Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n',
  '/app/requirements.txt': 'flask==3.0.0\nrequests>=2\n',
  '/app/requirements-dev.txt': '-r requirements.txt\npytest==8.0.0\n',
  '/app/poetry.lock':
    '[[package]]\nname = "flask"\nversion = "3.0.0"\ndescription = ""\noptional = false\npython-versions = "*"\ngroups = ["main"]\nfiles = []\n\n[package.dependencies]\nclick = "*"\n\n[[package]]\nname = "click"\nversion = "8.1.7"\ndescription = ""\noptional = false\npython-versions = "*"\ngroups = ["main"]\nfiles = []\n\n[metadata]\nlock-version = "2.1"\n',
  '/app/pyproject.toml': '[project]\nname = "app"\ndependencies = ["flask"]\n',
  '/srv/Pipfile.lock': JSON.stringify({ _meta: {}, default: { django: { version: '==4.2.0' } }, develop: {} }),
  '/srv/Pipfile': '[packages]\ndjango = "*"\n',
  '/proj/uv.lock':
    'version = 1\n\n[[package]]\nname = "proj"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "idna" }]\n\n[[package]]\nname = "idna"\nversion = "3.10"\nsource = { registry = "https://pypi.org/simple" }\n',
};

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-python-'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function catalog(cataloger: Cataloger): Promise<Package[]> {
  // Only what the cataloger's globs name is readable, as in an image walk.
  const resolver = await openRootfs(root, (path) => cataloger.globs.some((g) => matchGlob(g, path)));
  const env: CatalogEnv = { resolver, distro: null, layerDigest: () => null };
  return cataloger.catalog(env);
}

const summary = (pkgs: Package[]) => pkgs.map((p) => [p.purl, p.locations.map((l) => l.path)]);

describe('python catalogers', () => {
  it('find installed packages with their locations, sizes and edges', async () => {
    const pkgs = await catalog(pythonInstalledCataloger);
    expect(summary(pkgs)).toEqual([
      ['pkg:pypi/idna@3.4', [`${SITE}/idna-3.4.dist-info/METADATA`]],
      ['pkg:pypi/requests@2.31.0', [`${SITE}/requests-2.31.0.dist-info/METADATA`]],
      ['pkg:pypi/attrs@23.1.0', [`${SITE}/attrs-23.1.0-py3.12.egg-info/PKG-INFO`]],
      ['pkg:pypi/six@1.16.0', ['/usr/lib/python3/dist-packages/six-1.16.0.egg-info']],
    ]);
    const requests = pkgs.find((p) => p.name === 'requests');
    expect(requests).toMatchObject({
      size: 11000,
      licenses: 'Apache-2.0',
      authors: ['Kenneth Reitz <me@kennethreitz.org>'],
      dependsOn: ['idna'],
      foundBy: 'python-installed@1',
      metadata: { installer: 'pip', files: 3 },
    });
    expect(pkgs.find((p) => p.name === 'attrs')?.dependsOn).toEqual(['idna']);
    expect(pkgs.find((p) => p.name === 'idna')?.licenses).toBe('LicenseRef-BSD-License');
  });

  it('find lockfile packages with direct flags from the manifests beside them', async () => {
    const pkgs = await catalog(pythonLockfileCataloger);
    expect(pkgs.map((p) => [p.purl, p.locations[0]?.path, p.direct])).toEqual([
      ['pkg:pypi/pytest@8.0.0', '/app/requirements-dev.txt', null],
      ['pkg:pypi/flask@3.0.0', '/app/requirements.txt', null],
      ['pkg:pypi/flask@3.0.0', '/app/poetry.lock', true],
      ['pkg:pypi/click@8.1.7', '/app/poetry.lock', false],
      ['pkg:pypi/django@4.2.0', '/srv/Pipfile.lock', true],
      ['pkg:pypi/proj@0.1.0', '/proj/uv.lock', null],
      ['pkg:pypi/idna@3.10', '/proj/uv.lock', true],
    ]);
    expect(pkgs.every((p) => p.foundBy === 'python-lockfiles@1')).toBe(true);
  });
});
