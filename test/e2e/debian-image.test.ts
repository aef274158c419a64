// Integration: a real Debian image built with debootstrap (../shared/scripts/build-debian-image.sh), read as an
// OCI layout (umoci) and as a `docker save` archive (skopeo), checked against its unpacked root filesystem.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { buildDebianImage, debianImageDir, debianImageUnavailable } from '../support/debian-image.ts';

const out = debianImageDir;
const reason = debianImageUnavailable();
if (reason) process.stderr.write(`SKIPPED the real Debian image test: ${reason}\n`);

describe.skipIf(reason !== null)('a real Debian bookworm image', () => {
  beforeAll(buildDebianImage, 900_000);

  it('reads the same image from the OCI layout and the docker archive', async () => {
    const viaLayout = await runCli(['inspect', `oci-dir://${out}/oci:latest`, '--format', 'json']);
    const viaArchive = await runCli(['inspect', `archive://${out}/image.tar`, '--format', 'json']);
    expect(viaLayout.stderr).toBe('');
    expect(viaArchive.stderr).toBe('');
    const a = JSON.parse(viaLayout.stdout) as Record<string, unknown> & { layers: { diffId: string; createdBy: string }[] };
    const b = JSON.parse(viaArchive.stdout) as typeof a;
    expect(a.id).toBe(b.id);
    expect(a.layers.map((l) => l.diffId)).toEqual(b.layers.map((l) => l.diffId));
    expect(a.layers[0]?.createdBy).toBe('debootstrap --variant=minbase bookworm');
    expect(a.ports).toEqual(['8080/tcp']);
    expect(a.labels).toEqual({ 'org.opencontainers.image.title': 'debian-bookworm' });
    expect(b.registry).toMatchObject({ type: 'dockerhub', repository: 'library/debian-test', tag: 'bookworm' });

    // Ground truth: the unpacked root filesystem's os-release.
    const osRelease = readFileSync(join(out, 'rootfs/usr/lib/os-release'), 'utf8');
    const versionId = /^VERSION_ID="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
    expect(a.osRelease).toMatchObject({ id: 'debian', versionId, versionCodename: 'bookworm' });
    expect(b.osRelease).toEqual(a.osRelease);

    const fs = await runCli(['inspect', `fs://${out}/rootfs`, '--format', 'json']);
    expect((JSON.parse(fs.stdout) as { osRelease: unknown }).osRelease).toEqual(a.osRelease);
  }, 120_000);

  it('gives one SBOM from the archive (read through reused, poisoned buffers), the layout and the root filesystem', async () => {
    type Doc = { packages: { purl: string; locations: { path: string; layerDigest: string | null }[] }[] };
    const sbom = async (ref: string, env: Record<string, string> = {}) => {
      const r = await runCli(['sbom', ref, '--format', 'json', '--no-cache'], env);
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout) as Doc;
    };
    // Released chunk buffers are overwritten at once: anything that kept a view of one would read garbage (the
    // archive's layers are plain tars, released once parsed; the layout's are gzip, released once inflated).
    const archive = await sbom(`archive://${out}/image.tar`, { SEXTANT_POISON_RELEASED_BUFFERS: '1' });
    const layout = await sbom(`oci-dir://${out}/oci:latest`, { SEXTANT_POISON_RELEASED_BUFFERS: '1' });
    const rootfs = await sbom(`fs://${out}/rootfs`);
    expect(archive.packages.length).toBeGreaterThan(50);
    expect(archive.packages).toEqual(layout.packages);
    const withoutLayers = (d: Doc) => d.packages.map((p) => ({ purl: p.purl, paths: p.locations.map((l) => l.path) }));
    expect(withoutLayers(rootfs)).toEqual(withoutLayers(archive));
  }, 120_000);
});
