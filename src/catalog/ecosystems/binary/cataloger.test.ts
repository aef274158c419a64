// End-to-end tests of the binary catalogers: real binaries in a layered image through analyzeImage, and a root
// filesystem through openRootfs with the inspections run by inspectRootfs.
import { copyFile, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, buildTar, indexEntry, sha256, writeOciLayout } from '../../../../test/support/image-builder.ts';
import { analyzeImage } from '../../../analyze/analyze.ts';
import { inspectRootfs, openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import type { Cataloger, Inspection } from '../../cataloger.ts';
import { goBinaryCataloger, runtimeBinaryCataloger, rustBinaryCataloger } from './cataloger.ts';
import { AUDIT_JSON, buildAuditableElf, buildGoBinary, fakeElf, hasTool } from './test-binaries.ts';

const catalogers: Cataloger[] = [goBinaryCataloger, rustBinaryCataloger, runtimeBinaryCataloger];
const haveTools = hasTool('go', ['version']) && hasTool('gcc') && hasTool('objcopy');
const RELEASE = 'IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="21.0.2"\n';
const JAVA = fakeElf(Buffer.from('\0openjdk\0java\x000.0\x0021.0.2+13-LTS\0', 'latin1'));

let dir: string;
let goBin: Buffer;
let rustBin: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-binary-'));
  if (!haveTools) return;
  goBin = await readFile(await buildGoBinary(join(dir, 'go')));
  await mkdir(join(dir, 'c'));
  rustBin = await readFile(buildAuditableElf(join(dir, 'c'), AUDIT_JSON));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveTools)('binary catalogers end to end', () => {
  it('catalogs Go, Rust and runtime binaries of a layered image, each with the layer that last wrote it', async () => {
    const lower = await buildTar([
      { name: 'usr/local/bin/app', content: goBin, mode: 0o755 },
      { name: 'usr/local/bin/tool', content: rustBin, mode: 0o755 },
      { name: 'bin/busybox', content: fakeElf(Buffer.from('BusyBox v1.36.1 (2024)')), mode: 0o755 },
      { name: 'usr/share/app.data', content: goBin, mode: 0o644 },
    ]);
    const upper = await buildTar([
      { name: 'opt/java/openjdk/release', content: RELEASE, mode: 0o644 },
      { name: 'opt/java/openjdk/bin/java', content: JAVA, mode: 0o755 },
      { name: 'usr/local/bin/tool', content: rustBin, mode: 0o755 },
    ]);
    const image = buildImage({ layers: [{ tar: lower }, { tar: upper, compression: 'zstd' }] });
    const layout = join(dir, 'layout');
    await writeOciLayout(layout, [indexEntry(image)], image.blobs);
    const { packages } = await analyzeImage(`oci-dir://${layout}`, { platform: null, catalogers });
    const rows = packages.map((p) => [p.purl, p.locations.map((l) => `${l.path}@${l.layerDigest === sha256(upper) ? 'upper' : 'lower'}`).join(',')]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['pkg:golang/example.com/app@(devel)', '/usr/local/bin/app@lower'],
        ['pkg:golang/example.com/dep@v1.2.3', '/usr/local/bin/app@lower'],
        ['pkg:cargo/serde@1.0.197', '/usr/local/bin/tool@upper'],
        ['pkg:generic/busybox@1.36.1', '/bin/busybox@lower'],
        ['pkg:generic/openjdk@21.0.2', '/opt/java/openjdk/release@upper'],
      ]),
    );
    expect(packages.filter((p) => p.locations.some((l) => l.path === '/usr/share/app.data'))).toEqual([]);
    // The release file stands for the java launcher beside it: one package, not two.
    expect(packages.filter((p) => p.name === 'openjdk')).toHaveLength(1);
    expect(packages.find((p) => p.name === 'stdlib')?.foundBy).toBe('go-binary@1');
  }, 60_000);

  it('catalogs a root filesystem opened with openRootfs', async () => {
    const root = join(dir, 'rootfs');
    await mkdir(join(root, 'usr/bin'), { recursive: true });
    await mkdir(join(root, 'usr/lib'), { recursive: true });
    await writeFile(join(root, 'usr/bin/app'), goBin);
    await writeFile(join(root, 'usr/bin/tool'), rustBin);
    await writeFile(join(root, 'usr/bin/python3.11'), fakeElf(Buffer.from('\x003.11.2\0')));
    await writeFile(join(root, 'usr/lib/libpython3.11.so.1.0'), fakeElf(Buffer.from('\x003.11.2\0')));
    await chmod(join(root, 'usr/bin/app'), 0o755);
    await chmod(join(root, 'usr/bin/tool'), 0o755);
    await chmod(join(root, 'usr/bin/python3.11'), 0o755);
    await copyFile(join(root, 'usr/bin/app'), join(root, 'usr/bin/not-exec'));
    await chmod(join(root, 'usr/bin/not-exec'), 0o644);
    const resolver = await openRootfs(root);
    const results = new Map<string, Map<string, unknown>>();
    for (const c of catalogers) {
      const inspect = c.inspect;
      if (inspect) results.set(c.name, await inspectRootfs(root, resolver, inspect));
    }
    const inspections = (name: string): Inspection[] => [...(results.get(name) ?? [])].map(([path, result]) => ({ path, layerDigest: null, result }));
    const env = { resolver, distro: null, layerDigest: () => null, inspections };
    const go = await goBinaryCataloger.catalog(env);
    expect(go.map((p) => p.purl)).toContain('pkg:golang/example.com/fork@v1.0.0');
    expect(new Set(go.flatMap((p) => p.locations.map((l) => l.path)))).toEqual(new Set(['/usr/bin/app']));
    const rust = await rustBinaryCataloger.catalog(env);
    expect(rust.find((p) => p.metadata['root'])).toMatchObject({ purl: 'pkg:cargo/app@0.1.0', locations: [{ path: '/usr/bin/tool', layerDigest: null }] });
    const runtimes = await runtimeBinaryCataloger.catalog(env);
    expect(runtimes.map((p) => [p.purl, p.locations.map((l) => l.path).sort()])).toEqual([
      ['pkg:generic/python@3.11.2', ['/usr/bin/python3.11', '/usr/lib/libpython3.11.so.1.0']],
    ]);
    // Tested alone (no inspections), the catalogers find nothing rather than failing.
    expect(await goBinaryCataloger.catalog({ resolver, distro: null, layerDigest: () => null })).toEqual([]);
  }, 60_000);
});
