// The SBOM format contract: a named writer from Sextant's SBOM model to a document.
import type { Sbom } from '../../core/sbom.ts';

/** Writes an SBOM as one document format. */
export interface SbomFormat {
  readonly name: string;
  /** What the format is, for `--help`. */
  readonly description: string;
  /** Media type of the output, e.g. `application/vnd.cyclonedx+json`. */
  readonly mediaType: string;
  render(sbom: Sbom): string;
}
