// Tests for the squashed image resolver: chroot-like symlink resolution, hard links, reads, glob and order.
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTar } from '../../test/support/tar-builder.ts';
import type { TarEntrySpec } from '../../test/support/tar-builder.ts';
import { isSextantError } from '../core/errors.ts';
import { coalesce } from './coalesce.ts';
import { createImageResolver } from './image-resolver.ts';
import type { FileResolver, LayerContents } from './types.ts';
import { defaultWalkLimits, walkLayer } from './walk-layer.ts';

async function layer(index: number, entries: TarEntrySpec[]): Promise<LayerContents> {
  return walkLayer(Readable.from([await buildTar(entries)]), { index, capture: (p) => !p.endsWith('.nocap'), limits: defaultWalkLimits });
}

let r: FileResolver;

beforeAll(async () => {
  const layers = [
    await layer(0, [
      { name: 'usr/lib/os-release', content: 'ID=debian\n' },
      { name: 'usr/bin/python3.11', content: 'py' },
      { name: 'usr/bin/python3', type: 'symlink', linkname: 'python3.11' },
      { name: 'usr/bin/python', type: 'symlink', linkname: '/usr/bin/python3' },
      { name: 'usr/bin/big.nocap', content: 'not captured' },
      { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'etc/escape', type: 'symlink', linkname: '../../../../usr/lib/os-release' },
      { name: 'etc/abs-escape', type: 'symlink', linkname: '/../../../etc/hostname' },
      { name: 'etc/hostname', content: 'inside' },
      { name: 'etc/dangling', type: 'symlink', linkname: '/nope/nothing' },
      { name: 'etc/empty', type: 'symlink', linkname: '' },
      { name: 'loop/a', type: 'symlink', linkname: 'b' },
      { name: 'loop/b', type: 'symlink', linkname: 'a' },
      { name: 'loop/self', type: 'symlink', linkname: 'self/x' },
      { name: 'chain/l0', type: 'symlink', linkname: 'l1' },
      ...Array.from({ length: 45 }, (_, i) => ({ name: `chain/l${i + 1}`, type: 'symlink' as const, linkname: `l${i + 2}` })),
      { name: 'chain/l46', content: 'end of chain' },
      { name: 'data/real.txt', content: 'hard content' },
      { name: 'data/hard.txt', type: 'link', linkname: 'data/real.txt' },
      { name: 'data/viadir', type: 'symlink', linkname: '/lib/os-release' },
      { name: 'a-b', content: '' },
      { name: 'a/x', content: '' },
    ]),
    await layer(1, [{ name: 'usr/lib/os-release', content: 'ID=ubuntu\n' }]),
  ];
  r = createImageResolver(coalesce(layers).squashed);
});

describe('image resolver', () => {
  it('lstat does not follow a final symlink; stat and realpath do', () => {
    expect(r.lstat('/usr/bin/python')?.type).toBe('symlink');
    expect(r.stat('/usr/bin/python')).toMatchObject({ path: '/usr/bin/python3.11', type: 'file' });
    expect(r.realpath('/usr/bin/python')).toBe('/usr/bin/python3.11');
  });

  it('follows symlinks in intermediate directories, also for lstat', () => {
    expect(r.realpath('/lib/os-release')).toBe('/usr/lib/os-release');
    expect(r.lstat('/lib/os-release')?.path).toBe('/usr/lib/os-release');
    expect(r.stat('/data/viadir')?.path).toBe('/usr/lib/os-release');
  });

  it('clamps `..` at the root, for relative and absolute targets and for the path asked', () => {
    expect(r.realpath('/etc/escape')).toBe('/usr/lib/os-release');
    expect(r.realpath('/etc/abs-escape')).toBe('/etc/hostname');
    expect(r.realpath('/../../etc/hostname')).toBe('/etc/hostname');
    expect(r.realpath('etc/./hostname')).toBe('/etc/hostname');
  });

  it('reads the content of the last layer through relative and absolute links', async () => {
    expect((await r.readFile('/etc/os-release'))?.toString()).toBe('ID=ubuntu\n');
    expect((await r.readFile('/usr/bin/python'))?.toString()).toBe('py');
    expect((await r.readFile('/etc/abs-escape'))?.toString()).toBe('inside');
  });

  it('returns undefined for dangling links, missing paths, directories and uncaptured files', async () => {
    expect(r.stat('/etc/dangling')).toBeUndefined();
    expect(r.lstat('/etc/dangling')?.type).toBe('symlink');
    expect(r.realpath('/etc/dangling')).toBeUndefined();
    expect(r.stat('/etc/empty')).toBeUndefined();
    expect(r.stat('/no/such')).toBeUndefined();
    expect(r.lstat('/etc/hostname/below-a-file')).toBeUndefined();
    expect(await r.readFile('/etc/dangling')).toBeUndefined();
    expect(await r.readFile('/usr')).toBeUndefined();
    expect(await r.readFile('/usr/bin/big.nocap')).toBeUndefined();
    expect(r.stat('/usr/bin/big.nocap')?.size).toBe(12);
  });

  it('throws SYMLINK_LOOP for cycles and overlong chains, naming the path', () => {
    for (const p of ['/loop/a', '/loop/self', '/chain/l0']) {
      let caught: unknown;
      try {
        r.stat(p);
      } catch (err) {
        caught = err;
      }
      expect(isSextantError(caught, 'SYMLINK_LOOP')).toBe(true);
      expect((caught as Error).message).toContain(JSON.stringify(p));
    }
    // lstat of the link itself needs no resolution.
    expect(r.lstat('/loop/a')?.type).toBe('symlink');
    // A chain of 40 links is still fine.
    expect(r.realpath('/chain/l6')).toBe('/chain/l46');
  });

  it('resolves hard links to their target for stat and readFile', async () => {
    expect(r.lstat('/data/hard.txt')).toMatchObject({ type: 'hardlink', linkTarget: '/data/real.txt' });
    expect(r.stat('/data/hard.txt')?.path).toBe('/data/real.txt');
    expect(r.realpath('/data/hard.txt')).toBe('/data/hard.txt');
    expect((await r.readFile('/data/hard.txt'))?.toString()).toBe('hard content');
  });

  it('globs in path order without following symlinked directories', () => {
    expect(r.glob('**/os-release').map((f) => f.path)).toEqual(['/etc/os-release', '/usr/lib/os-release']);
    expect(r.glob('/lib/**').map((f) => f.path)).toEqual([]);
    expect(r.glob('/usr/bin/python*').map((f) => f.path)).toEqual(['/usr/bin/python', '/usr/bin/python3', '/usr/bin/python3.11']);
    expect(r.glob('/{etc,data}/*.txt').map((f) => f.path)).toEqual(['/data/hard.txt', '/data/real.txt']);
    expect(r.glob('/etc/hostname').map((f) => f.path)).toEqual(['/etc/hostname']);
    expect(r.glob('{/etc/hostname,/etc/host*}').map((f) => f.path)).toEqual(['/etc/hostname']);
  });

  it('lists files in path order, a directory right before its contents', () => {
    const all = [...r.files()].map((f) => f.path);
    expect(all.indexOf('/a')).toBeLessThan(all.indexOf('/a/x'));
    expect(all.indexOf('/a/x')).toBeLessThan(all.indexOf('/a-b'));
    expect(all).not.toContain('/');
    expect(new Set(all).size).toBe(all.length);
  });
});
