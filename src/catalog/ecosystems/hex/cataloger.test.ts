// End-to-end test of the mix.lock cataloger through a real root filesystem resolver.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { hexMixLockCataloger } from './cataloger.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-hex-'));
  await mkdir(join(root, 'srv/app'), { recursive: true });
  await writeFile(join(root, 'srv/app/mix.lock'), '%{\n  "plug": {:hex, :plug, "1.15.3", "aa", [:mix], [], "hexpm", "bb"},\n}\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('hex cataloger', () => {
  it('reads mix.lock with locations and purls', async () => {
    const got = await hexMixLockCataloger.catalog({ resolver: await openRootfs(root), distro: null, layerDigest: () => null });
    expect(got.map((p) => [p.purl, p.foundBy])).toEqual([['pkg:hex/plug@1.15.3', 'hex-mix-lock@1']]);
    expect(got[0]?.locations).toEqual([{ path: '/srv/app/mix.lock', layerDigest: null }]);
  });
});
