// Outdated bases (the overview's list): images whose base image has moved on. Pure: given the org's images (layer
// chains, names, provenance) and the catalog entries that may matter, it says which images are built on a base
// the org pushed again since, or on a name and tag whose stored chain is no longer the image's first layers.
import { parseImageName } from '../image/reference.ts';
import { pickBase } from './base-image.ts';
import { chainIds } from './chain-id.ts';
import type { BaseCandidate, OutdatedBase } from './model.ts';

/** An org image as the outdated-base rules read it. */
export interface BaseImageRecord {
  digest: string;
  reference: string;
  repository: string | null;
  tag: string | null;
  os: string | null;
  architecture: string | null;
  variant: string | null;
  pushedAt: string;
  /** diffIDs, base first. */
  layers: string[];
  /** The base image its provenance names (`debian:bookworm`), or null. */
  provenanceBase: string | null;
}

/** A catalog entry as the rules read it. */
export interface CatalogRecord {
  name: string;
  tag: string;
  /** `os/arch[/variant]`, or null when unknown (it then stands for any platform). */
  platform: string | null;
  digest: string | null;
  /** diffIDs, base first. */
  layers: string[];
  /** Chain ID of the whole chain. */
  chainId: string;
}

/** Every prefix chain ID of every image's layer chain, once each: the catalog entries that may be bases have one. */
export function prefixChainIds(images: readonly BaseImageRecord[]): string[] {
  const out = new Set<string>();
  for (const image of images) for (const id of chainIds(image.layers)) out.add(id);
  return [...out];
}

/** The tags the images' provenance bases name: the catalog entries that may stand under those names have one. */
export function provenanceTags(images: readonly BaseImageRecord[]): string[] {
  const out = new Set<string>();
  for (const image of images) {
    const tag = image.provenanceBase ? parseImageName(image.provenanceBase)?.tag : null;
    if (tag) out.add(tag);
  }
  return [...out];
}

/**
 * The images of `images` (an org's) whose base is outdated, by reference then digest. Only the latest push of each
 * name, tag and platform is judged: an older one is outdated by its own later push already. For each, in order:
 * - `newer-push`: the base detected from the layers (among `images` and `catalogByChain`, the entries whose chain
 *   ID is a prefix chain ID of some image) is an org image, and the org pushed the same name and tag (same platform,
 *   where both are known) later as another digest: that later push is the current one;
 * - `base-moved`: the provenance names a base by name and tag, and what is stored under them now (the org's latest
 *   push of that name and tag, else a catalog entry of `catalogByTag` for the platform, or of unknown platform) is
 *   not the image's first layers; the org image, else the catalog entry, is the current one.
 */
export function findOutdatedBases(images: readonly BaseImageRecord[], catalogByChain: readonly CatalogRecord[], catalogByTag: readonly CatalogRecord[]): OutdatedBase[] {
  const orgByChain = new Map<string, BaseImageRecord[]>();
  const byName = new Map<string, BaseImageRecord[]>();
  const byDigest = new Map(images.map((image) => [image.digest, image]));
  for (const image of images) {
    const chain = chainIds(image.layers).at(-1);
    if (chain !== undefined) push(orgByChain, chain, image);
    const key = nameKey(image);
    if (key !== null) push(byName, key, image);
  }
  // Latest push first in each name and tag.
  for (const list of byName.values()) list.sort((a, b) => compare(b.pushedAt, a.pushedAt) || compare(a.digest, b.digest));
  const catalogChains = new Map<string, CatalogRecord[]>();
  for (const entry of catalogByChain) push(catalogChains, entry.chainId, entry);

  /** The latest push of `image`'s name and tag on a platform compatible with `platformOf`, other than `except`. */
  const latestOf = (key: string, platformOf: BaseImageRecord, except: ReadonlySet<string>) => (byName.get(key) ?? []).find((other) => !except.has(other.digest) && samePlatform(platformOf, other));

  const out: OutdatedBase[] = [];
  for (const image of images) {
    const key = nameKey(image);
    // A later push of the image's own name and tag supersedes it.
    if (key !== null && latestOf(key, image, new Set())?.digest !== image.digest) continue;
    const found = newerPush(image) ?? baseMoved(image);
    if (found) out.push(found);
  }
  return out.sort((a, b) => compare(a.reference, b.reference) || compare(a.digest, b.digest));

  function newerPush(image: BaseImageRecord): OutdatedBase | null {
    if (image.layers.length === 0) return null;
    const candidates: BaseCandidate[] = [];
    for (const chain of chainIds(image.layers)) {
      for (const other of orgByChain.get(chain) ?? []) candidates.push({ source: 'org', reference: other.reference, digest: other.digest, layers: other.layers });
      for (const entry of catalogChains.get(chain) ?? []) candidates.push({ source: 'catalog', reference: `${entry.name}:${entry.tag}`, digest: entry.digest, layers: entry.layers });
    }
    const base = pickBase(image.layers, image.digest, candidates);
    if (base?.source !== 'org') return null;
    const record = byDigest.get(base.digest ?? '');
    const baseName = record ? nameKey(record) : null;
    if (!record || baseName === null) return null;
    const latest = latestOf(baseName, record, new Set([image.digest]));
    // A later push of the same chain (a new config only) has not moved.
    if (!latest || latest.digest === record.digest || compare(latest.pushedAt, record.pushedAt) <= 0 || isPrefix(latest.layers, image.layers)) return null;
    return { digest: image.digest, reference: image.reference, base: record.reference, baseDigest: record.digest, current: { reference: latest.reference, digest: latest.digest, source: 'org' }, reason: 'newer-push' };
  }

  function baseMoved(image: BaseImageRecord): OutdatedBase | null {
    if (!image.provenanceBase) return null;
    const named = parseImageName(image.provenanceBase);
    if (!named?.tag) return null;
    const org = latestOf(`${named.name}\n${named.tag}`, image, new Set([image.digest]));
    const entries = catalogByTag
      .filter((e) => e.tag === named.tag && parseImageName(`${e.name}:${e.tag}`)?.name === named.name && platformMatches(e.platform, image))
      // An entry of the image's own platform before one of unknown platform.
      .sort((a, b) => (a.platform === null ? 1 : 0) - (b.platform === null ? 1 : 0) || compare(a.platform ?? '', b.platform ?? ''));
    const current: { reference: string; digest: string | null; source: 'org' | 'catalog'; layers: string[] }[] = [
      ...(org ? [{ reference: org.reference, digest: org.digest, source: 'org' as const, layers: org.layers }] : []),
      ...entries.map((e) => ({ reference: `${e.name}:${e.tag}`, digest: e.digest, source: 'catalog' as const, layers: e.layers })),
    ];
    const first = current[0];
    if (!first || current.some((c) => isPrefix(c.layers, image.layers))) return null;
    return { digest: image.digest, reference: image.reference, base: image.provenanceBase, baseDigest: null, current: { reference: first.reference, digest: first.digest, source: first.source }, reason: 'base-moved' };
  }
}

/** An image's name (registry and repository, as `parseImageName` writes it) and tag; null without a tag. */
function nameKey(image: BaseImageRecord): string | null {
  const parsed = parseImageName(image.reference);
  const tag = image.tag ?? parsed?.tag ?? null;
  const name = parsed?.name ?? image.repository;
  return tag && name ? `${name}\n${tag}` : null;
}

/** Whether two images are of the same platform, as far as both say. */
function samePlatform(a: BaseImageRecord, b: BaseImageRecord): boolean {
  const same = (x: string | null, y: string | null) => x === null || y === null || x === y;
  return same(a.os, b.os) && same(a.architecture, b.architecture) && same(a.variant, b.variant);
}

/** Whether a catalog entry of `platform` (`os/arch[/variant]`, null for unknown) can be `image`'s base. */
function platformMatches(platform: string | null, image: BaseImageRecord): boolean {
  if (platform === null) return true;
  const [os = null, architecture = null, variant = null] = platform.split('/');
  return samePlatform({ ...image, os, architecture, variant }, image);
}

function isPrefix(prefix: readonly string[], layers: readonly string[]): boolean {
  return prefix.length > 0 && prefix.length <= layers.length && prefix.every((l, i) => l === layers[i]);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
