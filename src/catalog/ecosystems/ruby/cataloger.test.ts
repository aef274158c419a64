// End-to-end test of the Ruby catalogers through a real root filesystem resolver.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import type { CatalogEnv } from '../../cataloger.ts';
import { rubyGemfileLockCataloger, rubyGemspecCataloger } from './cataloger.ts';
import { putFile } from '../../../../test/support/put-file.ts';

let root: string;
let env: CatalogEnv;

const put = (path: string, content: string): Promise<void> => putFile(root, path, content);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-ruby-'));
  await put(
    'usr/local/bundle/specifications/rake-13.0.3.gemspec',
    'Gem::Specification.new do |s|\n  s.name = "rake".freeze\n  s.version = "13.0.3"\n  s.licenses = ["MIT".freeze]\n  s.authors = ["Hiroshi SHIBATA".freeze]\n  s.summary = "Make-like".freeze\nend\n',
  );
  await put('usr/lib/ruby/gems/3.3.0/specifications/default/json-2.7.1.gemspec', 'Gem::Specification.new do |s|\n  s.name = "json".freeze\n  s.version = "2.7.1"\nend\n');
  await put('app/Gemfile.lock', 'GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.0.3)\n\nDEPENDENCIES\n  rake\n');
  await put('app/specifications/not-a-gemspec.txt', 'x');
  env = { resolver: await openRootfs(root), distro: null, layerDigest: () => null };
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ruby catalogers', () => {
  it('finds installed gemspecs, default gems included', async () => {
    const got = await rubyGemspecCataloger.catalog(env);
    expect(got.map((p) => p.purl)).toEqual(['pkg:gem/rake@13.0.3', 'pkg:gem/json@2.7.1']);
    expect(got[1]?.locations[0]?.path).toBe('/usr/lib/ruby/gems/3.3.0/specifications/default/json-2.7.1.gemspec');
    expect(got[0]).toMatchObject({
      purl: 'pkg:gem/rake@13.0.3',
      licenses: 'MIT',
      authors: ['Hiroshi SHIBATA'],
      description: 'Make-like',
      foundBy: 'ruby-gemspec@1',
      locations: [{ path: '/usr/local/bundle/specifications/rake-13.0.3.gemspec', layerDigest: null }],
    });
  });

  it('finds Gemfile.lock', async () => {
    const got = await rubyGemfileLockCataloger.catalog(env);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ purl: 'pkg:gem/rake@13.0.3', direct: true, locations: [{ path: '/app/Gemfile.lock', layerDigest: null }] });
  });
});
