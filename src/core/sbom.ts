// The SBOM model: an image (or root filesystem) and every package found in it, with their relationships.
import type { ImageMetadata, OsRelease } from './model.ts';
import type { Package } from './package.ts';

/** A dependency edge between two packages, by purl. */
export interface Relationship {
  from: string;
  to: string;
  type: 'depends-on';
}

/** Sextant's own SBOM document (`--format json`), documented in docs/cli.md. */
export interface Sbom {
  /** Format and version of this document. */
  schema: 'sextant-sbom/1';
  generatedAt: string;
  tool: { name: 'sextant'; version: string };
  /** What was analysed: the image's metadata (`inspect` JSON). */
  image: ImageMetadata;
  /** The distribution, from os-release. */
  distro: OsRelease | null;
  packageCount: number;
  packages: Package[];
  relationships: Relationship[];
}
