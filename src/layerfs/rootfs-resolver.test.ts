// Tests for the root filesystem resolver: walking without following links, and reads that stay inside the root.
import { mkdir, mkdtemp, rm, symlink, writeFile, link } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSextantError } from '../core/errors.ts';
import { openRootfs } from './rootfs-resolver.ts';
import type { FileResolver } from './types.ts';

let base: string;
let root: string;
let r: FileResolver;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'sextant-rootfs-'));
  root = join(base, 'root');
  // A host file next to the root that no link may reach.
  await writeFile(join(base, 'host-secret'), 'HOST SECRET');
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'usr/lib'), { recursive: true });
  await writeFile(join(root, 'usr/lib/os-release'), 'ID=alpine\n');
  await writeFile(join(root, 'etc/hostname'), 'inside');
  await writeFile(join(root, 'host-secret'), 'root copy');
  await symlink('../usr/lib/os-release', join(root, 'etc/os-release'));
  await symlink('usr/lib', join(root, 'lib'));
  // Escapes: absolute, relative beyond the root, and the real absolute path of the host file.
  await symlink('/host-secret', join(root, 'etc/abs'));
  await symlink('../../../host-secret', join(root, 'etc/rel'));
  await symlink(join(base, 'host-secret'), join(root, 'etc/hostpath'));
  await symlink(base, join(root, 'hostdir'));
  await symlink('loop-b', join(root, 'loop-a'));
  await symlink('loop-a', join(root, 'loop-b'));
  await link(join(root, 'etc/hostname'), join(root, 'etc/hard'));
  r = await openRootfs(root);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('openRootfs', () => {
  it('walks with lstat, never following symlinks, and records no layer', () => {
    const paths = [...r.files()].map((f) => f.path);
    expect(paths).toEqual([
      '/etc',
      '/etc/abs',
      '/etc/hard',
      '/etc/hostname',
      '/etc/hostpath',
      '/etc/os-release',
      '/etc/rel',
      '/host-secret',
      '/hostdir',
      '/lib',
      '/loop-a',
      '/loop-b',
      '/usr',
      '/usr/lib',
      '/usr/lib/os-release',
    ]);
    expect(r.lstat('/hostdir')).toMatchObject({ type: 'symlink', linkTarget: base, layer: null });
    expect(r.lstat('/etc/hostname')).toMatchObject({ type: 'file', size: 6, layer: null });
  });

  it('resolves links inside the root and reads through them', async () => {
    expect(r.realpath('/lib/os-release')).toBe('/usr/lib/os-release');
    expect((await r.readFile('/etc/os-release'))?.toString()).toBe('ID=alpine\n');
    expect((await r.readFile('/lib/os-release'))?.toString()).toBe('ID=alpine\n');
    expect((await r.readFile('/etc/hard'))?.toString()).toBe('inside');
  });

  it('never reads a host file through a link pointing outside the root', async () => {
    expect((await r.readFile('/etc/abs'))?.toString()).toBe('root copy');
    expect((await r.readFile('/etc/rel'))?.toString()).toBe('root copy');
    // The host's absolute path, taken inside the root, does not exist there.
    expect(await r.readFile('/etc/hostpath')).toBeUndefined();
    expect(r.stat('/hostdir/host-secret')).toBeUndefined();
    expect(await r.readFile('/hostdir/host-secret')).toBeUndefined();
  });

  it('throws SYMLINK_LOOP on a loop', () => {
    expect(() => r.stat('/loop-a')).toThrow(expect.objectContaining({ code: 'SYMLINK_LOOP' }));
  });

  it('globs', () => {
    expect(r.glob('**/os-release').map((f) => f.path)).toEqual(['/etc/os-release', '/usr/lib/os-release']);
  });

  it('reads only what the capture predicate and size limit allow', async () => {
    const limited = await openRootfs(root, (p) => p === '/usr/lib/os-release', { maxCaptureBytes: 1000 });
    expect((await limited.readFile('/lib/os-release'))?.toString()).toBe('ID=alpine\n');
    expect(await limited.readFile('/etc/hostname')).toBeUndefined();
    const tiny = await openRootfs(root, undefined, { maxCaptureBytes: 3 });
    expect(await tiny.readFile('/etc/hostname')).toBeUndefined();
  });

  it('refuses a missing directory with NOT_FOUND and a file with NOT_AN_IMAGE', async () => {
    const missing = await openRootfs(join(base, 'nope')).catch((e: unknown) => e);
    expect(isSextantError(missing, 'NOT_FOUND')).toBe(true);
    const file = await openRootfs(join(base, 'host-secret')).catch((e: unknown) => e);
    expect(isSextantError(file, 'NOT_AN_IMAGE')).toBe(true);
  });

  it('stops at maxEntries', async () => {
    await expect(openRootfs(root, undefined, { maxEntries: 5 })).rejects.toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });
});
