// The outdated-base rules on their own: newer pushes of an org base (same platform only, a new config alone is no
// move), bases named by provenance that moved in the org or the catalog (the image's platform, or an unknown one),
// and older pushes of an image's own name and tag left out.
import { describe, expect, it } from 'vitest';
import { chainIds } from './chain-id.ts';
import { findOutdatedBases, prefixChainIds, provenanceTags, type BaseImageRecord, type CatalogRecord } from './outdated-bases.ts';

const d = (n: string) => `sha256:${n.padEnd(64, '0')}`;

function image(name: string, tag: string, layers: string[], over: Partial<BaseImageRecord> = {}): BaseImageRecord {
  return { digest: d(`${name}${tag}`.replace(/[^0-9a-f]/g, 'a')), reference: `reg.example/${name}:${tag}`, repository: name, tag, os: 'linux', architecture: 'amd64', variant: null, pushedAt: '2024-06-01T00:00:00.000Z', layers, provenanceBase: null, ...over };
}

function catalog(name: string, tag: string, platform: string | null, layers: string[]): CatalogRecord {
  return { name, tag, platform, digest: d(`c${layers.length}`), layers, chainId: chainIds(layers).at(-1) as string };
}

describe('outdated bases', () => {
  it('lists the prefix chain IDs and provenance tags to look catalog entries up by', () => {
    const a = image('a', '1', ['l1', 'l2'], { provenanceBase: 'debian:bookworm' });
    const b = image('b', '1', ['l1'], { provenanceBase: `debian@${d('f')}` });
    expect(prefixChainIds([a, b]).sort()).toEqual(chainIds(['l1', 'l2']).sort());
    expect(provenanceTags([a, b])).toEqual(['bookworm']);
  });

  it('flags an image whose org base was pushed again for its platform, unless only the config changed', () => {
    const base = image('base', '12', ['b1'], { digest: d('b1'), pushedAt: '2024-06-01T00:00:00.000Z' });
    const app = image('app', '1', ['b1', 'a1'], { digest: d('a1') });
    const armAgain = image('base', '12', ['b9'], { digest: d('b9'), architecture: 'arm64', pushedAt: '2024-06-03T00:00:00.000Z' });
    expect(findOutdatedBases([base, app, armAgain], [], [])).toEqual([]);
    const sameChain = image('base', '12', ['b1'], { digest: d('b2'), pushedAt: '2024-06-02T00:00:00.000Z' });
    expect(findOutdatedBases([base, app, sameChain], [], [])).toEqual([]);
    const moved = image('base', '12', ['b3'], { digest: d('b3'), pushedAt: '2024-06-02T00:00:00.000Z' });
    expect(findOutdatedBases([base, app, moved, armAgain], [], [])).toEqual([
      { digest: app.digest, reference: app.reference, base: base.reference, baseDigest: base.digest, current: { reference: moved.reference, digest: moved.digest, source: 'org' }, reason: 'newer-push' },
    ]);
    // The image's own older push is superseded: only the latest of a name and tag is judged.
    const appAgain = image('app', '1', ['b3', 'a2'], { digest: d('a2'), pushedAt: '2024-06-04T00:00:00.000Z' });
    expect(findOutdatedBases([base, app, moved, appAgain], [], [])).toEqual([]);
  });

  it('flags an image whose provenance base now stands for other layers, for its platform or an unknown one', () => {
    const app = image('app', '1', ['c1', 'a1'], { provenanceBase: 'debian:bookworm' });
    const amd = catalog('docker.io/library/debian', 'bookworm', 'linux/amd64', ['c1']);
    const arm = catalog('docker.io/library/debian', 'bookworm', 'linux/arm64/v8', ['c9']);
    const unknown = catalog('debian', 'bookworm', null, ['c2']);
    // Its platform's entry is its prefix: current, whatever else is stored under the name.
    expect(findOutdatedBases([app], [], [amd, arm, unknown])).toEqual([]);
    // Only another platform's entry: nothing to compare with.
    expect(findOutdatedBases([app], [], [arm])).toEqual([]);
    const moved = { ...amd, layers: ['c3'], chainId: 'x', digest: d('c3') };
    expect(findOutdatedBases([app], [], [arm, unknown, moved])).toEqual([
      { digest: app.digest, reference: app.reference, base: 'debian:bookworm', baseDigest: null, current: { reference: 'docker.io/library/debian:bookworm', digest: d('c3'), source: 'catalog' }, reason: 'base-moved' },
    ]);
    // An org image under the name comes before the catalog.
    const mirror = image('debian', 'bookworm', ['c4'], { reference: 'debian:bookworm', repository: 'library/debian', digest: d('c4') });
    expect(findOutdatedBases([app, mirror], [], [unknown])).toEqual([
      { digest: app.digest, reference: app.reference, base: 'debian:bookworm', baseDigest: null, current: { reference: 'debian:bookworm', digest: d('c4'), source: 'org' }, reason: 'base-moved' },
    ]);
  });
});
