import { describe, expect, it } from 'vitest';
import type { Package } from '../core/package.ts';
import { assembleSbom, mergePackages } from './assemble.ts';
import type { ImageMetadata } from '../core/model.ts';

function pkg(over: Partial<Package> & Pick<Package, 'name' | 'version'>): Package {
  return {
    type: 'npm',
    namespace: null,
    purl: `pkg:npm/${over.namespace ? `${encodeURIComponent(over.namespace)}/` : ''}${over.name}@${over.version}`,
    authors: [],
    description: null,
    licenses: 'NOASSERTION',
    size: null,
    locations: [{ path: `/app/node_modules/${over.name}/package.json`, layerDigest: 'sha256:l1' }],
    direct: null,
    dependsOn: [],
    source: null,
    arch: null,
    foundBy: 'test@1',
    metadata: {},
    ...over,
  };
}

describe('mergePackages', () => {
  it('keeps one package per purl with every location and the most specific facts', () => {
    const installed = pkg({ name: 'lodash', version: '4.17.21', licenses: 'MIT', direct: null });
    const locked = pkg({ name: 'lodash', version: '4.17.21', locations: [{ path: '/app/package-lock.json', layerDigest: 'sha256:l2' }], direct: true, description: 'utils' });
    const [merged, ...rest] = mergePackages([installed, locked, pkg({ name: 'a', version: '1.0.0' })]);
    expect(rest).toHaveLength(1);
    expect(merged?.name).toBe('a');
    const lodash = rest[0] as Package;
    expect(lodash.locations.map((l) => l.path)).toEqual(['/app/node_modules/lodash/package.json', '/app/package-lock.json']);
    expect(lodash).toMatchObject({ licenses: 'MIT', direct: true, description: 'utils' });
  });
});

describe('assembleSbom', () => {
  it('counts packages and resolves dependencies to purl edges, preferring the copy beside the dependent', () => {
    const app = pkg({ name: 'app', version: '1.0.0', dependsOn: ['ms', '@scope/util'], locations: [{ path: '/app/node_modules/app/package.json', layerDigest: null }] });
    const ms1 = pkg({ name: 'ms', version: '2.1.3', locations: [{ path: '/app/node_modules/x/node_modules/ms/package.json', layerDigest: null }] });
    const ms2 = pkg({ name: 'ms', version: '2.0.0', locations: [{ path: '/app/node_modules/ms/package.json', layerDigest: null }] });
    const util = pkg({ name: 'util', namespace: '@scope', version: '3.0.0' });
    const sbom = assembleSbom({ osRelease: null } as ImageMetadata, [app, ms1, ms2, util], '0.1.0', new Date(0));
    expect(sbom).toMatchObject({ schema: 'sextant-sbom/1', packageCount: 4, generatedAt: '1970-01-01T00:00:00.000Z' });
    expect(sbom.relationships).toEqual(
      expect.arrayContaining([
        { from: app.purl, to: util.purl, type: 'depends-on' },
        { from: app.purl, to: ms2.purl, type: 'depends-on' },
      ]),
    );
    expect(sbom.relationships).toHaveLength(2);
  });
});
