// Base-image detection: of the org's stored images and the public catalog's entries, the base of an image is the
// one whose whole layer chain is the longest prefix of the image's chain. Candidates are found by chain ID (one
// indexed lookup per layer count), so the cost grows with the image's layers, not with the catalog.
import { parseImageName } from '../image/reference.ts';
import type { BaseCandidate, BaseMatch } from './model.ts';

/**
 * The base among `candidates` for an image with `layers` (diffIDs, base first) and manifest `digest`: the one
 * sharing the most layers, its whole chain being the image's first layers. The image itself (same digest) is never
 * its own base; a candidate with the same whole chain is (an image that only changed the config of its base).
 * Ties, in order: a catalog entry over an org image (the public name says more); a tag other than `latest`; the
 * longer (more specific) tag, `12.8` over `12`; then the reference in code-point order.
 */
export function pickBase(layers: readonly string[], digest: string | null, candidates: readonly BaseCandidate[]): (BaseCandidate & { sharedLayers: number }) | null {
  const usable = candidates.filter((c) => c.layers.length > 0 && c.layers.length <= layers.length && (digest === null || c.digest !== digest) && c.layers.every((l, i) => l === layers[i]));
  let best: BaseCandidate | null = null;
  for (const c of usable) if (best === null || better(c, best)) best = c;
  return best && { ...best, sharedLayers: best.layers.length };
}

function better(a: BaseCandidate, b: BaseCandidate): boolean {
  if (a.layers.length !== b.layers.length) return a.layers.length > b.layers.length;
  if (a.source !== b.source) return a.source === 'catalog';
  const [ta, tb] = [tagOf(a.reference), tagOf(b.reference)];
  if ((ta === 'latest') !== (tb === 'latest')) return tb === 'latest';
  if (ta.length !== tb.length) return ta.length > tb.length;
  return a.reference < b.reference;
}

function tagOf(reference: string): string {
  return parseImageName(reference)?.tag ?? '';
}

/**
 * Whether the detected base and the one the provenance names are the same image: the same repository (Docker Hub
 * names compared in their canonical form) and, when both name one, the same tag. Digests are not compared: the
 * provenance records the index digest BuildKit pulled, the catalog a platform's manifest digest.
 */
export function baseMatch(base: (BaseCandidate & { sharedLayers: number }) | null, provenance: string | null): BaseMatch {
  if (!base || !provenance) return { base, provenance, agrees: null };
  const [a, b] = [parseImageName(base.reference), parseImageName(provenance)];
  const agrees = a !== null && b !== null && a.name === b.name && (a.tag === null || b.tag === null || a.tag === b.tag);
  return { base, provenance, agrees };
}
