// End-to-end test of the Go module-file catalogers through a real root filesystem resolver.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import type { CatalogEnv } from '../../cataloger.ts';
import { goModCataloger, goSumCataloger } from './cataloger.ts';
import { putFile } from '../../../../test/support/put-file.ts';

let root: string;
let env: CatalogEnv;

const put = (path: string, content: string): Promise<void> => putFile(root, path, content);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-go-'));
  await put('src/app/go.mod', 'module example.com/app\n\ngo 1.21\n\nrequire github.com/google/uuid v1.6.0\n');
  await put('src/app/go.sum', 'github.com/google/uuid v1.6.0 h1:u=\ngithub.com/google/uuid v1.6.0/go.mod h1:v=\n');
  await put('opt/other/go.sum', 'golang.org/x/text v0.14.0 h1:t=\n');
  env = { resolver: await openRootfs(root), distro: null, layerDigest: () => 'sha256:ab' };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('go catalogers', () => {
  it('reads go.mod with checksums from the go.sum beside it', async () => {
    const got = await goModCataloger.catalog(env);
    expect(got.map((p) => [p.purl, p.direct, p.metadata['h1Digest']])).toEqual([
      ['pkg:golang/example.com/app', null, undefined],
      ['pkg:golang/github.com/google/uuid@v1.6.0', true, 'h1:u='],
    ]);
    expect(got[1]).toMatchObject({ foundBy: 'go-mod@1', locations: [{ path: '/src/app/go.mod', layerDigest: 'sha256:ab' }] });
  });

  it('reads only the go.sum that has no go.mod beside it', async () => {
    const got = await goSumCataloger.catalog(env);
    expect(got.map((p) => [p.purl, p.locations[0]?.path, p.foundBy])).toEqual([['pkg:golang/golang.org/x/text@v0.14.0', '/opt/other/go.sum', 'go-sum@1']]);
  });
});
