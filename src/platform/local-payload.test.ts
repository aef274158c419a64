import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, buildTar, indexEntry, sha256, writeOciLayout } from '../../test/support/image-builder.ts';
import { analyzeImage } from '../analyze/analyze.ts';
import { defaultCatalogerSet } from '../catalog/default-catalogers.ts';
import type { Sbom } from '../core/sbom.ts';
import type { Finding } from '../match/matcher.ts';
import { assembleSbom } from '../sbom/assemble.ts';
import { localAnalysisPayload, withSbomPurls } from './local-payload.ts';

const STATUS = `Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - shared libraries

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib (1:1.2.13.dfsg-1)
Version: 1:1.2.13.dfsg-1+b1
Description: compression library - runtime

Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files
`;

const ENV = ['DATABASE_HOST=orders-db.internal.example', 'FEATURE_FLAGS=beta-checkout'];
const LABELS = { 'com.example.team': 'payments-squad', 'org.opencontainers.image.source': 'https://git.example/shop' };

let dir: string;
let sbom: Sbom;
let diffIds: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-local-payload-'));
  const os = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
    { name: 'var/lib/dpkg/status', content: STATUS },
  ]);
  const app = await buildTar([
    { name: 'srv/shop-backend/package.json', content: JSON.stringify({ name: 'shop-backend', version: '1.0.0', dependencies: { lodash: '^4.17.0' } }) },
    { name: 'srv/shop-backend/node_modules/lodash/package.json', content: JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT' }) },
  ]);
  const image = buildImage({
    layers: [{ tar: os, createdBy: 'debootstrap bookworm' }, { tar: app, createdBy: 'COPY shop-backend /srv/shop-backend' }],
    config: { Env: ENV, Labels: LABELS, Cmd: ['node', '/srv/shop-backend/server.js'], WorkingDir: '/srv/shop-backend' },
  });
  diffIds = [sha256(os), sha256(app)];
  const layout = join(dir, 'layout');
  await writeOciLayout(layout, [indexEntry(image)], image.blobs);
  const analysis = await analyzeImage(`oci-dir://${layout}`, { platform: null, catalogers: defaultCatalogerSet });
  sbom = assembleSbom(analysis.metadata, analysis.packages, 'test');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('localAnalysisPayload', () => {
  it('holds only the schema, the layers base first, and per package its purl and layers', () => {
    const payload = localAnalysisPayload(sbom);
    expect(Object.keys(payload).sort()).toEqual(['layers', 'packages', 'schema']);
    expect(payload.schema).toBe('sextant-local-analysis/1');
    expect(payload.layers).toEqual(diffIds);
    expect(payload.packages).toHaveLength(sbom.packages.length);
    for (const p of payload.packages) expect(Object.keys(p).sort()).toEqual(['layers', 'purl']);
    const lodash = payload.packages.find((p) => p.purl.startsWith('pkg:npm/lodash@'));
    expect(lodash).toEqual({ purl: 'pkg:npm/lodash@4.17.15', layers: [diffIds[1]] });
    const osLayerPackages = payload.packages.filter((p) => p.purl.startsWith('pkg:deb/'));
    expect(osLayerPackages).toHaveLength(3);
    expect(osLayerPackages.every((p) => p.layers.length === 1 && p.layers[0] === diffIds[0])).toBe(true);
  });

  it('leaks no path, environment value, label, command or history of the image', () => {
    const json = JSON.stringify(localAnalysisPayload(sbom));
    const paths = sbom.packages.flatMap((p) => p.locations.map((l) => l.path));
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(json).not.toContain(path);
    for (const secret of ['srv/', 'shop-backend', 'var/lib/dpkg', 'node_modules', 'orders-db', 'beta-checkout', 'DATABASE_HOST', 'payments-squad', 'com.example.team', 'git.example', 'debootstrap', 'server.js', 'bookworm']) {
      expect(json).not.toContain(secret);
    }
    // The payload's strings are purls and sha256 digests, nothing else.
    const strings = json.match(/"[^"]*"/g) ?? [];
    const values = strings.map((s) => s.slice(1, -1)).filter((s) => !['schema', 'layers', 'packages', 'purl', 'sextant-local-analysis/1'].includes(s));
    expect(values.every((v) => v.startsWith('pkg:') || /^sha256:[0-9a-f]{64}$/.test(v))).toBe(true);
  });

  it('names the source package of a dpkg package in the upstream qualifier, and only when it differs', () => {
    const purls = localAnalysisPayload(sbom).packages.map((p) => PackageURL.fromString(p.purl));
    const upstream = (name: string) => purls.find((p) => p.name === name)?.qualifiers?.upstream;
    expect(upstream('libssl3')).toBe('openssl');
    expect(upstream('zlib1g')).toBe('zlib@1:1.2.13.dfsg-1');
    expect(upstream('base-files')).toBeUndefined();
    expect(upstream('lodash')).toBeUndefined();
  });

  it('gives the server\u2019s findings back the SBOM\u2019s purls', () => {
    const libssl = sbom.packages.find((p) => p.name === 'libssl3')!;
    const sent = localAnalysisPayload(sbom).packages.find((p) => p.purl.includes('libssl3'))!.purl;
    expect(sent).not.toBe(libssl.purl);
    // The server rebuilds the purl (packageurl-js's spelling), so it may come back re-encoded.
    const answered = PackageURL.fromString(sent).toString();
    const finding = { purl: answered, id: 'CVE-2024-0001' } as Finding;
    const other = { purl: 'pkg:npm/lodash@4.17.15', id: 'CVE-2021-23337' } as Finding;
    const restored = withSbomPurls([finding, other], sbom);
    expect(restored.map((f) => f.purl)).toEqual([libssl.purl, 'pkg:npm/lodash@4.17.15']);
    expect(restored[1]).toBe(other);
  });
});
