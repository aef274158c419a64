// End-to-end test of the Cargo.lock cataloger through a real root filesystem resolver.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { rustCargoLockCataloger } from './cataloger.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-rust-'));
  await mkdir(join(root, 'usr/src/app'), { recursive: true });
  await writeFile(
    join(root, 'usr/src/app/Cargo.lock'),
    'version = 4\n\n[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["serde"]\n\n[[package]]\nname = "serde"\nversion = "1.0.200"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "dd"\n',
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('rust cataloger', () => {
  it('reads Cargo.lock with locations and purls', async () => {
    const got = await rustCargoLockCataloger.catalog({ resolver: await openRootfs(root), distro: null, layerDigest: () => null });
    expect(got.map((p) => [p.purl, p.direct, p.foundBy])).toEqual([
      ['pkg:cargo/app@0.1.0', null, 'rust-cargo-lock@1'],
      ['pkg:cargo/serde@1.0.200', true, 'rust-cargo-lock@1'],
    ]);
    expect(got[1]?.locations).toEqual([{ path: '/usr/src/app/Cargo.lock', layerDigest: null }]);
  });
});
