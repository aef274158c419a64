// Tests for coalesce: overlay semantics (whiteouts, opaque directories, replacement) and per-layer changes.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildTar } from '../../test/support/tar-builder.ts';
import type { TarEntrySpec } from '../../test/support/tar-builder.ts';
import { coalesce } from './coalesce.ts';
import type { FileTree } from './file-tree.ts';
import type { LayerContents } from './types.ts';
import { defaultWalkLimits, walkLayer } from './walk-layer.ts';

/** Walks a layer built from `entries`, capturing every file. */
async function layer(index: number, entries: TarEntrySpec[]): Promise<LayerContents> {
  return walkLayer(Readable.from([await buildTar(entries)]), { index, capture: () => true, limits: defaultWalkLimits });
}

function paths(tree: FileTree): string[] {
  return [...tree.walk()].map((r) => r.path);
}

describe('coalesce', () => {
  it('applies later writes over earlier ones and records the writing layer and its content', async () => {
    const { squashed, changes } = coalesce([
      await layer(0, [{ name: 'etc/', type: 'dir' }, { name: 'etc/os-release', content: 'ID=alpine' }, { name: 'etc/hosts', content: 'h' }]),
      await layer(1, [{ name: 'etc/os-release', content: 'ID=debian' }, { name: 'usr/bin/tool', content: 'bin' }]),
    ]);
    expect(paths(squashed)).toEqual(['/etc', '/etc/hosts', '/etc/os-release', '/usr', '/usr/bin', '/usr/bin/tool']);
    expect(squashed.get('/etc/os-release')?.layer).toBe(1);
    expect(squashed.get('/etc/hosts')?.layer).toBe(0);
    expect(squashed.content.get('/etc/os-release')?.toString()).toBe('ID=debian');
    expect(squashed.content.get('/etc/hosts')?.toString()).toBe('h');
    // Implied parents are created by the layer that needed them.
    expect(squashed.get('/usr/bin')).toMatchObject({ type: 'dir', layer: 1 });
    expect(changes[0]).toEqual({ index: 0, added: ['/etc', '/etc/os-release', '/etc/hosts'], changed: [], removed: [] });
    expect(changes[1]).toEqual({ index: 1, added: ['/usr', '/usr/bin', '/usr/bin/tool'], changed: ['/etc/os-release'], removed: [] });
  });

  it('drops content a later layer overwrote without capturing', async () => {
    const lower = await layer(0, [{ name: 'f', content: 'old' }]);
    const upper = await walkLayer(Readable.from([await buildTar([{ name: 'f', content: 'new' }])]), { index: 1, capture: () => false, limits: defaultWalkLimits });
    const { squashed } = coalesce([lower, upper]);
    expect(squashed.get('/f')?.layer).toBe(1);
    expect(squashed.content.has('/f')).toBe(false);
  });

  it('whiteouts remove a path and all its descendants, only from lower layers', async () => {
    const { squashed, changes } = coalesce([
      await layer(0, [
        { name: 'etc/passwd', content: 'p' },
        { name: 'var/lib/apt/lists/a', content: 'a' },
        { name: 'var/lib/apt/lists/b', content: 'b' },
        { name: 'var/log/x', content: 'x' },
      ]),
      await layer(1, [
        // The whiteout comes after a same-named entry in the archive, which it must not hide.
        { name: 'etc/passwd', content: 'new' },
        { name: 'etc/.wh.passwd' },
        { name: 'var/lib/.wh.apt' },
        { name: 'var/.wh.nothing-here' },
      ]),
    ]);
    expect(paths(squashed)).toEqual(['/etc', '/etc/passwd', '/var', '/var/lib', '/var/log', '/var/log/x']);
    expect(squashed.content.get('/etc/passwd')?.toString()).toBe('new');
    expect(changes[1]?.changed).toEqual(['/etc/passwd']);
    expect(changes[1]?.added).toEqual([]);
    expect(new Set(changes[1]?.removed)).toEqual(new Set(['/var/lib/apt', '/var/lib/apt/lists', '/var/lib/apt/lists/a', '/var/lib/apt/lists/b']));
    expect(squashed.content.has('/var/lib/apt/lists/a')).toBe(false);
  });

  it('an opaque directory hides everything below it from lower layers but keeps itself and its new entries', async () => {
    const { squashed, changes } = coalesce([
      await layer(0, [
        { name: 'app/', type: 'dir', mode: 0o700 },
        { name: 'app/old', content: 'o' },
        { name: 'app/keep', content: 'k1' },
        { name: 'app/sub/deep', content: 'd' },
        { name: 'other', content: 'x' },
      ]),
      await layer(1, [{ name: 'app/', type: 'dir' }, { name: 'app/.wh..wh..opq' }, { name: 'app/keep', content: 'k2' }, { name: 'app/new', content: 'n' }]),
    ]);
    expect(paths(squashed)).toEqual(['/app', '/app/keep', '/app/new', '/other']);
    expect(squashed.get('/app')).toMatchObject({ type: 'dir', layer: 1, mode: 0o755 });
    expect(squashed.content.get('/app/keep')?.toString()).toBe('k2');
    expect(changes[1]?.added).toEqual(['/app/new']);
    expect(changes[1]?.changed).toEqual(['/app', '/app/keep']);
    expect(new Set(changes[1]?.removed)).toEqual(new Set(['/app/old', '/app/sub', '/app/sub/deep']));
  });

  it('an opaque directory with no entries of its own in the layer still stays', async () => {
    const { squashed } = coalesce([await layer(0, [{ name: 'd/a', content: 'a' }]), await layer(1, [{ name: 'd/.wh..wh..opq' }])]);
    expect(paths(squashed)).toEqual(['/d']);
  });

  it('a file replacing a directory removes its descendants; a directory replacing a file is empty', async () => {
    const { squashed, changes } = coalesce([
      await layer(0, [{ name: 'opt/tool/bin/run', content: 'r' }, { name: 'opt/tool/lib/x.so', content: 's' }, { name: 'srv', content: 'file' }]),
      await layer(1, [{ name: 'opt/tool', content: 'now a file' }, { name: 'srv/', type: 'dir' }, { name: 'srv/index', content: 'i' }]),
    ]);
    expect(paths(squashed)).toEqual(['/opt', '/opt/tool', '/srv', '/srv/index']);
    expect(squashed.get('/opt/tool')).toMatchObject({ type: 'file', layer: 1 });
    expect(squashed.content.get('/opt/tool')?.toString()).toBe('now a file');
    expect(squashed.content.has('/srv')).toBe(false);
    expect(changes[1]?.changed).toEqual(['/opt/tool', '/srv']);
    expect(changes[1]?.added).toEqual(['/srv/index']);
    expect(new Set(changes[1]?.removed)).toEqual(new Set(['/opt/tool/bin', '/opt/tool/bin/run', '/opt/tool/lib', '/opt/tool/lib/x.so']));
  });

  it('a directory over a directory merges', async () => {
    const { squashed, changes } = coalesce([await layer(0, [{ name: 'd/', type: 'dir' }, { name: 'd/a', content: 'a' }]), await layer(1, [{ name: 'd/', type: 'dir', mode: 0o700 }, { name: 'd/b', content: 'b' }])]);
    expect(paths(squashed)).toEqual(['/d', '/d/a', '/d/b']);
    expect(squashed.get('/d')?.mode).toBe(0o700);
    expect(changes[1]).toMatchObject({ changed: ['/d'], added: ['/d/b'], removed: [] });
  });

  it('a symlink replacing a directory removes the directory contents', async () => {
    const { squashed, changes } = coalesce([await layer(0, [{ name: 'lib/a.so', content: 'a' }]), await layer(1, [{ name: 'lib', type: 'symlink', linkname: 'usr/lib' }])]);
    expect(paths(squashed)).toEqual(['/lib']);
    expect(squashed.get('/lib')?.type).toBe('symlink');
    expect(changes[1]?.removed).toEqual(['/lib/a.so']);
  });

  it('a whiteout then a re-creation in a later layer counts as added there', async () => {
    const { squashed, changes } = coalesce([
      await layer(0, [{ name: 'f', content: '1' }]),
      await layer(1, [{ name: '.wh.f' }]),
      await layer(2, [{ name: 'f', content: '3' }]),
    ]);
    expect(changes.map((c) => [c.added, c.changed, c.removed])).toEqual([
      [['/f'], [], []],
      [[], [], ['/f']],
      [['/f'], [], []],
    ]);
    expect(squashed.content.get('/f')?.toString()).toBe('3');
  });

  it('a layer that fills a directory and then replaces it by a file reports only what is left', async () => {
    const { changes, squashed } = coalesce([await layer(0, [{ name: 'x/keep', content: 'k' }]), await layer(1, [{ name: 'x/a', content: 'a' }, { name: 'x', content: 'file' }])]);
    expect(paths(squashed)).toEqual(['/x']);
    expect(changes[1]).toEqual({ index: 1, added: [], changed: ['/x'], removed: ['/x/keep'] });
  });

  it('handles a large layer quickly, one record per path', async () => {
    const entries: TarEntrySpec[] = [];
    for (let d = 0; d < 100; d++) for (let f = 0; f < 100; f++) entries.push({ name: `usr/share/d${d}/f${f}`, content: '' });
    const lower = await layer(0, entries);
    const upper = await layer(1, [{ name: 'usr/.wh.share' }]);
    const t0 = performance.now();
    const { squashed, changes } = coalesce([lower, upper]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(squashed.size).toBe(1);
    expect(changes[1]?.removed).toHaveLength(10_101);
  });
});

describe('coalesce: inspector results', () => {
  /** Walks a layer whose every file is inspected for its length. */
  async function inspectedLayer(index: number, entries: TarEntrySpec[], inspect = true): Promise<LayerContents> {
    return walkLayer(Readable.from([await buildTar(entries)]), {
      index,
      capture: () => false,
      inspect: inspect
        ? () => {
            let n = 0;
            return { write: (c) => void (n += c.length), end: () => ({ n, layer: index }) };
          }
        : undefined,
      limits: defaultWalkLimits,
    });
  }

  it('keeps the result of the layer that last wrote each path, and drops results of removed or overwritten files', async () => {
    const { squashed } = coalesce([
      await inspectedLayer(0, [{ name: 'a', content: '111' }, { name: 'b', content: '22' }, { name: 'c', content: '3' }]),
      await inspectedLayer(1, [{ name: 'a', content: '4444' }, { name: '.wh.b' }]),
      await inspectedLayer(2, [{ name: 'c', content: 'not inspected' }], false),
    ]);
    expect([...squashed.inspected]).toEqual([['/a', { n: 4, layer: 1 }]]);
  });
});
