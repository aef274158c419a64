// End-to-end test of the Composer cataloger through a real root filesystem resolver.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { composerCataloger } from './cataloger.ts';
import { putFile } from '../../../../test/support/put-file.ts';

let root: string;

const put = (path: string, content: string): Promise<void> => putFile(root, path, content);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-php-'));
  await put('var/www/composer.json', JSON.stringify({ require: { 'guzzlehttp/guzzle': '^7' } }));
  await put('var/www/composer.lock', JSON.stringify({ packages: [{ name: 'guzzlehttp/guzzle', version: '7.8.1' }, { name: 'psr/log', version: '3.0.0' }], 'packages-dev': [] }));
  await put('var/www/vendor/composer/installed.json', JSON.stringify({ packages: [{ name: 'guzzlehttp/guzzle', version: '7.8.1' }], 'dev-package-names': [] }));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('composer cataloger', () => {
  it('reads installed.json and composer.lock with direct flags from composer.json', async () => {
    const env = { resolver: await openRootfs(root), distro: null, layerDigest: () => null };
    const got = await composerCataloger.catalog(env);
    expect(got.map((p) => [p.purl, p.direct, p.locations[0]?.path, p.foundBy])).toEqual([
      ['pkg:composer/guzzlehttp/guzzle@7.8.1', true, '/var/www/vendor/composer/installed.json', 'composer@1'],
      ['pkg:composer/guzzlehttp/guzzle@7.8.1', true, '/var/www/composer.lock', 'composer@1'],
      ['pkg:composer/psr/log@3.0.0', false, '/var/www/composer.lock', 'composer@1'],
    ]);
  });
});
