// End-to-end: the layer cache. A second analysis reads no layer it has seen, images sharing layers reuse them,
// and `cache df` / `cache prune` report and empty it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/core/sbom.ts';
import { type BuiltImage, buildImage, buildTar, indexEntry, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let home: string;
let base: Buffer;
let first: BuiltImage;

async function layout(name: string, image: BuiltImage): Promise<string> {
  const path = join(dir, name);
  await writeOciLayout(path, [indexEntry(image)], image.blobs);
  return path;
}

async function sbom(ref: string, extra: string[] = []): Promise<{ code: number | null; sbom: Sbom | null; stderr: string }> {
  const r = await runCli(['sbom', ref, '--format', 'json', ...extra], { SEXTANT_HOME: home });
  return { code: r.code, sbom: r.code === 0 ? (JSON.parse(r.stdout) as Sbom) : null, stderr: r.stderr };
}

async function cacheUsage(): Promise<{ layers: number; images: number }> {
  const r = await runCli(['cache', 'df', '--format', 'json'], { SEXTANT_HOME: home });
  return JSON.parse(r.stdout) as { layers: number; images: number };
}

async function cachedLayers(): Promise<number> {
  return (await cacheUsage()).layers;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-cache-'));
  home = join(dir, 'home');
  base = await buildTar([
    { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' },
    { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\n' },
  ]);
  const app = await buildTar([{ name: 'app/node_modules/ms/package.json', content: JSON.stringify({ name: 'ms', version: '2.1.3', license: 'MIT' }) }]);
  first = buildImage({ layers: [{ tar: base }, { tar: app }] });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('layer cache', () => {
  it('answers a second analysis without reading any layer, with the same result', async () => {
    const path = await layout('first', first);
    const cold = await sbom(`oci-dir://${path}`);
    expect(cold.code).toBe(0);
    expect(await cacheUsage()).toMatchObject({ layers: 2, images: 1 });
    // Make every layer blob unreadable: only a run that reads no layer can still succeed.
    for (const l of first.layers) await writeFile(join(path, 'blobs/sha256', l.digest.slice(7)), 'garbage');
    const warm = await sbom(`oci-dir://${path}`);
    expect(warm.stderr).toBe('');
    expect({ ...warm.sbom, generatedAt: '' }).toEqual({ ...cold.sbom, generatedAt: '' });
    const uncached = await sbom(`oci-dir://${path}`, ['--no-cache']);
    expect(uncached.code).toBe(2);
    // Both layers were spoilt and are read in parallel: whichever fails first is named.
    expect(uncached.stderr).toMatch(/^sextant: layer [01] \(sha256:[0-9a-f]{12}…\): (size|digest) mismatch/);
  });

  it('reuses the layers another image shares, and keys results by what was asked of the walk', async () => {
    const other = buildImage({ layers: [{ tar: base }, { tar: await buildTar([{ name: 'srv/readme', content: 'hi' }]) }] });
    const before = await cachedLayers();
    expect((await sbom(`oci-dir://${await layout('other', other)}`)).sbom?.packages.map((p) => p.name)).toEqual(['musl']);
    expect(await cachedLayers()).toBe(before + 1);
    // inspect keeps fewer files than sbom, so its walks are cached apart.
    const r = await runCli(['inspect', `oci-dir://${await layout('other-inspect', other)}`, '--format', 'json'], { SEXTANT_HOME: home });
    expect(r.code).toBe(0);
    expect(await cachedLayers()).toBe(before + 3);
  });

  it('prunes by age and entirely', async () => {
    const kept = await cachedLayers();
    const old = await runCli(['cache', 'prune', '--older-than', '1'], { SEXTANT_HOME: home });
    expect(old.stdout).toBe('removed 0 cached layers\n');
    expect(await cachedLayers()).toBe(kept);
    const all = await runCli(['cache', 'prune'], { SEXTANT_HOME: home });
    expect(all.stdout).toBe(`removed ${kept} cached layers\n`);
    expect(await cacheUsage()).toMatchObject({ layers: 0, images: 0 });
    const bad = await runCli(['cache', 'prune', '--older-than', 'soon'], { SEXTANT_HOME: home });
    expect(bad).toMatchObject({ code: 2, stderr: 'sextant: --older-than wants a number of days, not "soon"\n' });
  });
});
