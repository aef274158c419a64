import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, buildTar, indexEntry, sha256, writeOciLayout } from '../../test/support/image-builder.ts';
import type { Cataloger } from '../catalog/cataloger.ts';
import { makePurl } from '../catalog/purl.ts';
import { analyzeImage } from './analyze.ts';

/**
 * A small cataloger of the inspecting kind, written for this test: it streams executables and reports the
 * `VERSION=<x>` marker they embed, as the runtime-binary catalogers do with version strings.
 */
const markerCataloger: Cataloger = {
  name: 'marker',
  version: 1,
  globs: [],
  inspect: (_path, _size, mode) => {
    if ((mode & 0o111) === 0) return null;
    let text = '';
    return {
      write: (chunk) => void (text = (text + chunk.toString('latin1')).slice(-64 * 1024)),
      end: () => /VERSION=([\w.]+)/.exec(text)?.[1],
    };
  },
  async catalog(env) {
    return (env.inspections?.('marker') ?? []).map(({ path, layerDigest, result }) => ({
      type: 'generic' as const,
      namespace: null,
      name: path.slice(path.lastIndexOf('/') + 1),
      version: String(result),
      purl: makePurl({ type: 'generic', name: path.slice(path.lastIndexOf('/') + 1), version: String(result) }),
      authors: [],
      description: null,
      licenses: 'NOASSERTION',
      size: null,
      locations: [{ path, layerDigest }],
      direct: null,
      dependsOn: [],
      source: null,
      arch: null,
      foundBy: 'marker@1',
      metadata: {},
    }));
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-analyze-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('analyzeImage with inspecting catalogers', () => {
  it('streams executables through inspectors in every layer and keeps the result of the last writer', async () => {
    const padding = 'x'.repeat(200_000);
    const lower = await buildTar([
      { name: 'usr/bin/tool', content: `${padding}VERSION=1.0${padding}`, mode: 0o755 },
      { name: 'usr/bin/gone', content: 'VERSION=9.9', mode: 0o755 },
      { name: 'usr/share/readme', content: 'VERSION=0.1', mode: 0o644 },
    ]);
    const upper = await buildTar([{ name: 'usr/bin/tool', content: `${padding}VERSION=2.0`, mode: 0o755 }, { name: 'usr/bin/.wh.gone' }]);
    const image = buildImage({ layers: [{ tar: lower }, { tar: upper, compression: 'zstd' }] });
    const layout = join(dir, 'layout');
    await writeOciLayout(layout, [indexEntry(image)], image.blobs);
    const { packages } = await analyzeImage(`oci-dir://${layout}`, { platform: null, catalogers: [markerCataloger] });
    expect(packages.map((p) => [p.name, p.version, p.locations[0]?.layerDigest])).toEqual([['tool', '2.0', sha256(upper)]]);
  });

  it('inspects a root filesystem from disk', async () => {
    const root = join(dir, 'rootfs');
    await mkdir(join(root, 'bin'), { recursive: true });
    await writeFile(join(root, 'bin/app'), `${'y'.repeat(3_000_000)}VERSION=3.1.4`);
    await chmod(join(root, 'bin/app'), 0o755);
    await writeFile(join(root, 'bin/data'), 'VERSION=0.0');
    const { packages } = await analyzeImage(`fs://${root}`, { platform: null, catalogers: [markerCataloger] });
    expect(packages.map((p) => [p.name, p.version, p.locations[0]?.layerDigest])).toEqual([['app', '3.1.4', null]]);
  });
});
