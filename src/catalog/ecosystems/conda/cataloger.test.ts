// End-to-end test of the conda-meta cataloger through a real root filesystem resolver.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { condaMetaCataloger } from './cataloger.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-conda-'));
  await mkdir(join(root, 'opt/conda/conda-meta'), { recursive: true });
  const rec = { name: 'zlib', version: '1.2.13', build: 'h5eee18b_1', channel: 'https://repo.anaconda.com/pkgs/main/linux-64', subdir: 'linux-64', license: 'Zlib' };
  await writeFile(join(root, 'opt/conda/conda-meta/zlib-1.2.13-h5eee18b_1.json'), JSON.stringify(rec));
  await writeFile(join(root, 'opt/conda/conda-meta/history'), '==> 2024-01-01 <==\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('conda cataloger', () => {
  it('reads conda-meta records with locations and purls', async () => {
    const got = await condaMetaCataloger.catalog({ resolver: await openRootfs(root), distro: null, layerDigest: () => null });
    expect(got.map((p) => [p.purl, p.licenses, p.foundBy])).toEqual([
      ['pkg:conda/zlib@1.2.13?build=h5eee18b_1&channel=main&subdir=linux-64', 'Zlib', 'conda-meta@1'],
    ]);
    expect(got[0]?.locations).toEqual([{ path: '/opt/conda/conda-meta/zlib-1.2.13-h5eee18b_1.json', layerDigest: null }]);
  });
});
