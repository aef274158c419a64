// Tests for the all-layers view: files hidden or removed by later layers stay visible per layer.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildTar } from '../../test/support/tar-builder.ts';
import type { TarEntrySpec } from '../../test/support/tar-builder.ts';
import { createAllLayersView } from './all-layers.ts';
import { coalesce } from './coalesce.ts';
import type { LayerContents } from './types.ts';
import { defaultWalkLimits, walkLayer } from './walk-layer.ts';

async function layer(index: number, entries: TarEntrySpec[]): Promise<LayerContents> {
  return walkLayer(Readable.from([await buildTar(entries)]), { index, capture: () => true, limits: defaultWalkLimits });
}

describe('all-layers view', () => {
  it('shows every layer with its entries and changes, including removed secrets', async () => {
    const layers = [
      await layer(0, [{ name: 'app/config.yml', content: 'v1' }, { name: 'root/.aws/credentials', content: 'AKIA...' }]),
      await layer(1, [{ name: 'root/.aws/.wh.credentials' }, { name: 'app/config.yml', content: 'v2' }]),
    ];
    const { squashed, changes } = coalesce(layers);
    const view = createAllLayersView(layers, changes);
    expect(squashed.get('/root/.aws/credentials')).toBeUndefined();
    expect(view.layers.map((l) => l.index)).toEqual([0, 1]);
    expect(view.layer(1)?.changes.removed).toEqual(['/root/.aws/credentials']);
    expect(view.glob('**/credentials').map((f) => [f.path, f.layer])).toEqual([['/root/.aws/credentials', 0]]);
    expect(view.readFile(0, '/root/.aws/credentials')?.toString()).toBe('AKIA...');
    expect(view.history('/app/config.yml').map((f) => f.layer)).toEqual([0, 1]);
    expect([...view.files()].map((f) => `${f.layer}:${f.path}`)).toEqual(['0:/app/config.yml', '0:/root/.aws/credentials', '1:/app/config.yml']);
  });
});
