// End-to-end: an SBOM file stands in for an image (`sbom://`): what Sextant writes as CycloneDX or SPDX reads back.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/core/sbom.ts';
import { buildAttestation, buildImage, buildIndex, buildTar, indexEntry, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let layout: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-sbom-input-'));
  const layer = await buildTar([
    { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' },
    { name: 'lib/apk/db/installed', content: 'P:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\nL:GPL-2.0-only\n' },
    { name: 'app/node_modules/@scope/util/package.json', content: JSON.stringify({ name: '@scope/util', version: '3.0.0', license: 'ISC' }) },
  ]);
  const image = buildImage({ layers: [{ tar: layer }] });
  layout = join(dir, 'layout');
  await writeOciLayout(layout, [indexEntry(image)], image.blobs);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sbomOf(ref: string, extra: string[] = []): Promise<Sbom> {
  const r = await runCli(['sbom', ref, '--format', 'json', ...extra]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Sbom;
}

describe('sbom:// inputs', () => {
  it.each(['cyclonedx', 'spdx'])('reads back the packages of its own %s output', async (format) => {
    const original = await sbomOf(`oci-dir://${layout}`);
    const file = join(dir, `out.${format}.json`);
    const w = await runCli(['sbom', `oci-dir://${layout}`, '--format', format, '-o', file]);
    expect(w.code).toBe(0);
    const again = await sbomOf(`sbom://${file}`);
    expect(again.image).toMatchObject({ source: 'sbom', id: null, layers: [] });
    expect(again.packages.map((p) => p.purl).sort()).toEqual(original.packages.map((p) => p.purl).sort());
    const byName = new Map(again.packages.map((p) => [p.name, p]));
    expect(byName.get('busybox')).toMatchObject({ type: 'apk', version: '1.36.1-r29', licenses: 'GPL-2.0-only' });
    expect(byName.get('util')).toMatchObject({ namespace: '@scope', licenses: 'ISC' });
  });

  it('takes an attested SPDX SBOM with --use-attestations, reading no layer', async () => {
    const layer = await buildTar([{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.3\n' }]);
    const image = buildImage({ layers: [{ tar: layer }] });
    const spdx = {
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      packages: [{ SPDXID: 'SPDXRef-1', name: 'openssl', versionInfo: '3.3.2-r0', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/openssl@3.3.2-r0?arch=x86_64' }] }],
    };
    const att = buildAttestation(image, [{ predicateType: 'https://spdx.dev/Document', predicate: spdx }]);
    const index = buildIndex([indexEntry(image), att.entry]);
    const path = join(dir, 'attested');
    await writeOciLayout(path, [{ mediaType: index.mediaType, digest: index.digest, size: index.size }], [index, ...image.blobs, ...att.blobs]);
    // The layer is unreadable: only an analysis that reads no layer can succeed.
    await writeFile(join(path, 'blobs/sha256', image.layers[0]!.digest.slice(7)), 'garbage');
    const attested = await sbomOf(`oci-dir://${path}`, ['--use-attestations']);
    expect(attested.packages.map((p) => p.purl)).toEqual(['pkg:apk/alpine/openssl@3.3.2-r0?arch=x86_64']);
    expect(attested.image.digest).toBe(image.manifest.digest);
    const r = await runCli(['sbom', `oci-dir://${path}`]);
    expect(r.code).toBe(2);
  });

  it('refuses files that are no SBOM, and missing ones, in one line', async () => {
    const other = join(dir, 'other.json');
    await writeFile(other, JSON.stringify({ hello: 'world' }));
    for (const [ref, pattern] of [
      [`sbom://${other}`, /is not a CycloneDX or SPDX JSON SBOM/],
      [`sbom://${join(dir, 'missing.json')}`, /missing\.json: no such file/],
    ] as const) {
      const r = await runCli(['sbom', ref]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
