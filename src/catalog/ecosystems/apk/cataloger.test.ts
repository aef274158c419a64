// End to end: the apk cataloger over a real FileResolver (a root filesystem on disk).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOsRelease } from '../../distro.ts';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { apkCataloger } from './cataloger.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function catalog(dir: string) {
  const resolver = await openRootfs(dir);
  return apkCataloger.catalog({ resolver, distro: await readOsRelease(resolver), layerDigest: (p) => (p.startsWith('/etc') ? 'sha256:os' : 'sha256:db') });
}

function alpineRoot(dbDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-apk-'));
  dirs.push(dir);
  mkdirSync(join(dir, dbDir), { recursive: true });
  copyFileSync(new URL('testdata/installed', import.meta.url), join(dir, dbDir, 'installed'));
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc/os-release'), 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n');
  return dir;
}

describe('apkCataloger', () => {
  it('declares its name, version and globs', () => {
    expect(apkCataloger).toMatchObject({ name: 'apk', version: 1, globs: ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'] });
  });

  it('reads /lib/apk/db/installed with distro purls and the layer of the database', async () => {
    const pkgs = await catalog(alpineRoot('lib/apk/db'));
    expect(pkgs.map((p) => p.purl)).toEqual([
      'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/ssl_client@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3',
    ]);
    for (const p of pkgs) {
      expect(p.locations).toEqual([{ path: '/lib/apk/db/installed', layerDigest: 'sha256:db' }]);
      expect(p.foundBy).toBe('apk@1');
    }
  });

  it('reads the database under /usr/lib when /lib/apk links to it, once', async () => {
    const dir = alpineRoot('usr/lib/apk/db');
    mkdirSync(join(dir, 'lib'));
    symlinkSync('../usr/lib/apk', join(dir, 'lib/apk'));
    const pkgs = await catalog(dir);
    expect(pkgs.map((p) => [p.name, p.locations[0]?.path])).toEqual([
      ['musl', '/usr/lib/apk/db/installed'],
      ['busybox', '/usr/lib/apk/db/installed'],
      ['ssl_client', '/usr/lib/apk/db/installed'],
    ]);
  });
});
