// Walks every layer of a resolved image exactly once, several layers at a time, and reports progress.
import { fileRangeDigest } from '../image/file-range-digest.ts';
import { openPooledRange } from '../image/file-range-reader.ts';
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import type { ResolvedImage } from '../image/resolve.ts';
import type { LayerCache } from './layer-cache.ts';
import type { CapturePredicate, InspectorFactory, LayerContents, WalkLimits } from '../layerfs/types.ts';
import { walkLayer } from '../layerfs/walk-layer.ts';

/**
 * Most layers walked at once by default. Each walk holds a few MB of buffers, so this bounds memory on
 * many-core machines whatever the layer count; more parallelism than this gains little over the disk or network.
 */
const MAX_CONCURRENCY = 8;

/** Progress of one layer's walk, in stored (compressed) bytes. */
export interface LayerProgress {
  index: number;
  bytes: number;
  total: number;
  done: boolean;
}

/** What walking an image needs beyond the image itself. */
export interface WalkImageOptions {
  capture: CapturePredicate;
  inspect?: InspectorFactory;
  limits: WalkLimits;
  /** Most layers walked at once; defaults to the CPU count (at least 2, since network and inflate overlap; at most 8). */
  concurrency?: number;
  onProgress?: (p: LayerProgress) => void;
  /** Layers found here under `signature` are not read at all; layers read are stored. */
  cache?: { store: LayerCache; signature: string };
}

/**
 * Walk all layers, verifying each one's digest and diffID, and return their contents in layer order.
 * The first failure stops the walk; layers already in flight are abandoned.
 */
export async function walkImage(image: ResolvedImage, options: WalkImageOptions): Promise<LayerContents[]> {
  const layers = image.layers;
  const results: LayerContents[] = new Array(layers.length);
  const concurrency = Math.max(1, Math.min(layers.length, options.concurrency ?? Math.min(MAX_CONCURRENCY, Math.max(2, availableParallelism()))));
  let next = 0;
  let failed = false;
  const inFlight = new Set<Readable>();
  const worker = async (): Promise<void> => {
    while (!failed && next < layers.length) {
      const index = next++;
      const layer = layers[index] as (typeof layers)[number];
      const cached = options.cache?.store.get(layer.diffId, options.cache.signature, index);
      if (cached) {
        results[index] = cached;
        options.onProgress?.({ index, bytes: layer.size, total: layer.size, done: true });
        continue;
      }
      // A layer on local disk is hashed by a worker thread while this one decompresses and parses it, and read
      // through a few reused buffers; other sources stream as they come.
      const range = await image.store.blobFileRange?.(layer);
      const pooled = range ? await openPooledRange(range) : null;
      const stream = pooled ? pooled.stream : await image.store.openBlob(layer);
      inFlight.add(stream);
      if (options.onProgress) {
        let bytes = 0;
        const report = options.onProgress;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          report({ index, bytes, total: layer.size, done: false });
        });
      }
      try {
        results[index] = await walkLayer(stream, {
          index,
          expectedDigest: layer.digest,
          expectedDiffId: layer.diffId,
          expectedSize: layer.size,
          ...(range ? { storedDigest: fileRangeDigest(range) } : {}),
          ...(pooled ? { release: pooled.release } : {}),
          mediaType: layer.mediaType,
          capture: options.capture,
          ...(options.inspect ? { inspect: options.inspect } : {}),
          limits: options.limits,
        });
      } catch (err) {
        // Stop the other layers too: their results are useless once one layer has failed.
        failed = true;
        for (const s of inFlight) s.destroy();
        throw err;
      } finally {
        inFlight.delete(stream);
      }
      // Stored only once verified: walkLayer resolves only when digest, diffID and size all matched.
      options.cache?.store.put(layer.diffId, options.cache.signature, results[index] as LayerContents);
      options.onProgress?.({ index, bytes: layer.size, total: layer.size, done: true });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
