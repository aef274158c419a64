// One line for people about a server's base-image match: the detected base, the provenance's, and whether they agree.
import pc from 'picocolors';
import type { BaseMatch } from '../../platform/model.ts';

/**
 * `docker.io/library/alpine:3.20 (2 shared layers, from the catalog); the provenance names …: they agree`, or
 * that no stored image or catalog entry is the base.
 */
export function describeBaseMatch(match: BaseMatch): string {
  const { base, provenance, agrees } = match;
  const detected = base
    ? `${base.reference}${base.digest ? ` ${pc.dim(base.digest)}` : ''} (${base.sharedLayers} shared ${base.sharedLayers === 1 ? 'layer' : 'layers'}, from ${base.source === 'catalog' ? 'the catalog' : "the org's images"})`
    : 'none found (no stored image or catalog entry has this image\u2019s first layers)';
  if (!provenance) return detected;
  const verdict = agrees === null ? '' : agrees ? ': they agree' : `: ${pc.red('they disagree')}`;
  return `${detected}; the provenance names ${provenance}${verdict}`;
}
