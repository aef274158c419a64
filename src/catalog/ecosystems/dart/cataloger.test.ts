// End-to-end test of the pubspec.lock cataloger through a real root filesystem resolver.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { dartPubspecLockCataloger } from './cataloger.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-dart-'));
  await mkdir(join(root, 'app'), { recursive: true });
  await writeFile(
    join(root, 'app/pubspec.lock'),
    'packages:\n  http:\n    dependency: "direct main"\n    description:\n      name: http\n      url: "https://pub.dev"\n    source: hosted\n    version: "1.2.1"\nsdks:\n  dart: ">=3.3.0 <4.0.0"\n',
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('dart cataloger', () => {
  it('reads pubspec.lock with locations and purls', async () => {
    const got = await dartPubspecLockCataloger.catalog({ resolver: await openRootfs(root), distro: null, layerDigest: () => null });
    expect(got.map((p) => [p.purl, p.direct, p.foundBy])).toEqual([['pkg:pub/http@1.2.1', true, 'dart-pubspec-lock@1']]);
    expect(got[0]?.locations).toEqual([{ path: '/app/pubspec.lock', layerDigest: null }]);
  });
});
