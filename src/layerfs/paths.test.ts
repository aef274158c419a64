// Tests for path normalisation, ordering and resolution edge cases not covered through the resolvers.
import { describe, expect, it } from 'vitest';
import { comparePaths, normalizeEntryName, normalizePath, resolvePath } from './paths.ts';
import type { FileRecord } from './types.ts';

describe('normalizeEntryName', () => {
  it.each([
    ['etc/passwd', '/etc/passwd'],
    ['./etc/passwd', '/etc/passwd'],
    ['/etc/passwd', '/etc/passwd'],
    ['//etc//passwd/', '/etc/passwd'],
    ['././etc/./x/../passwd', '/etc/passwd'],
    ['./', '/'],
    ['.', '/'],
    ['', '/'],
    ['a/..', '/'],
    ['..a/b', '/..a/b'],
    ['a/...', '/a/...'],
    ['..', undefined],
    ['../etc', undefined],
    ['a/../../b', undefined],
    ['/../etc', undefined],
  ])('%j → %j', (name, expected) => {
    expect(normalizeEntryName(name)).toBe(expected);
  });
});

describe('normalizePath', () => {
  it('clamps .. at the root like a chroot', () => {
    expect(normalizePath('/../../etc/./passwd')).toBe('/etc/passwd');
    expect(normalizePath('a/b/../c')).toBe('/a/c');
    expect(normalizePath('')).toBe('/');
  });
});

describe('comparePaths', () => {
  it('sorts a directory right before its subtree', () => {
    expect(['/a-b', '/a/x', '/a', '/b', '/a/x/y', '/a.c'].sort(comparePaths)).toEqual(['/a', '/a/x', '/a/x/y', '/a-b', '/a.c', '/b']);
  });
});

describe('resolvePath', () => {
  const rec = (path: string, type: FileRecord['type'], linkTarget: string | null = null): FileRecord => ({ path, type, size: 0, mode: 0o755, uid: 0, gid: 0, linkTarget, layer: 0 });
  const table = new Map<string, FileRecord>([
    ['/', rec('/', 'dir')],
    ['/d', rec('/d', 'dir')],
    ['/d/up', rec('/d/up', 'symlink', '..')],
    ['/d/f', rec('/d/f', 'file')],
    ['/h', rec('/h', 'hardlink', '/d/up/d/f')],
  ]);
  const lookup = (p: string) => table.get(p);

  it('resolves `..` physically after a symlink', () => {
    expect(resolvePath(lookup, '/d/up/d/up/d/f', true)?.path).toBe('/d/f');
    expect(resolvePath(lookup, '/d/up/..', true)?.path).toBe('/');
  });

  it('reports a missing last component with its would-be path, a missing parent as undefined', () => {
    expect(resolvePath(lookup, '/d/up/d/new', false)).toEqual({ path: '/d/new', record: undefined });
    expect(resolvePath(lookup, '/nope/x', false)).toBeUndefined();
    expect(resolvePath(lookup, '/d/f/x', false)).toBeUndefined();
  });

  it('follows a hard link target through symlinked directories when asked', () => {
    expect(resolvePath(lookup, '/h', true, true)?.record?.path).toBe('/d/f');
    expect(resolvePath(lookup, '/h', true, false)?.record?.type).toBe('hardlink');
  });
});
