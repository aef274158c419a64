// End-to-end test of the .NET catalogers through a real root filesystem resolver.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import type { CatalogEnv } from '../../cataloger.ts';
import { dotnetDepsJsonCataloger, nugetLockCataloger } from './cataloger.ts';

let root: string;
let env: CatalogEnv;

async function put(path: string, content: unknown): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), JSON.stringify(content));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-dotnet-'));
  await put('app/Api.deps.json', {
    runtimeTarget: { name: '.NETCoreApp,Version=v8.0' },
    targets: {
      '.NETCoreApp,Version=v8.0': {
        'Api/1.0.0': { dependencies: { Serilog: '3.1.1' }, runtime: { 'Api.dll': {} } },
        'Serilog/3.1.1': { runtime: { 'lib/net7.0/Serilog.dll': {} } },
      },
    },
    libraries: { 'Api/1.0.0': { type: 'project' }, 'Serilog/3.1.1': { type: 'package', sha512: 'sha512-x' } },
  });
  await put('src/Api/packages.lock.json', { version: 1, dependencies: { 'net8.0': { Serilog: { type: 'Direct', resolved: '3.1.1' } } } });
  env = { resolver: await openRootfs(root), distro: null, layerDigest: (p) => (p.startsWith('/app/') ? 'sha256:aa' : null) };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('dotnet catalogers', () => {
  it('reads deps.json with the app root and its direct packages', async () => {
    const got = await dotnetDepsJsonCataloger.catalog(env);
    expect(got.map((p) => [p.purl, p.direct, p.metadata['root'] ?? false])).toEqual([
      ['pkg:nuget/Api@1.0.0', null, true],
      ['pkg:nuget/Serilog@3.1.1', true, false],
    ]);
    expect(got[1]?.locations).toEqual([{ path: '/app/Api.deps.json', layerDigest: 'sha256:aa' }]);
    expect(got[1]?.foundBy).toBe('dotnet-deps-json@1');
  });

  it('reads packages.lock.json', async () => {
    const got = await nugetLockCataloger.catalog(env);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ purl: 'pkg:nuget/Serilog@3.1.1', direct: true, locations: [{ path: '/src/Api/packages.lock.json', layerDigest: null }] });
  });
});
