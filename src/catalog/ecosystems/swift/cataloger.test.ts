// End-to-end test of the Package.resolved cataloger through a real root filesystem resolver.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { swiftPackageResolvedCataloger } from './cataloger.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-swift-'));
  await mkdir(join(root, 'build/App.xcworkspace/xcshareddata/swiftpm'), { recursive: true });
  const pins = { pins: [{ identity: 'alamofire', kind: 'remoteSourceControl', location: 'https://github.com/Alamofire/Alamofire.git', state: { revision: 'abc', version: '5.9.1' } }], version: 2 };
  await writeFile(join(root, 'build/App.xcworkspace/xcshareddata/swiftpm/Package.resolved'), JSON.stringify(pins));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('swift cataloger', () => {
  it('reads Package.resolved with locations and purls', async () => {
    const got = await swiftPackageResolvedCataloger.catalog({ resolver: await openRootfs(root), distro: null, layerDigest: () => null });
    expect(got.map((p) => [p.purl, p.foundBy])).toEqual([['pkg:swift/github.com/Alamofire/Alamofire@5.9.1', 'swift-package-resolved@1']]);
    expect(got[0]?.locations).toEqual([{ path: '/build/App.xcworkspace/xcshareddata/swiftpm/Package.resolved', layerDigest: null }]);
  });
});
