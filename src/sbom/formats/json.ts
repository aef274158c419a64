// Sextant's own SBOM JSON (`sextant-sbom/1`, docs/cli.md): the model as it is.
import type { SbomFormat } from './format.ts';

/** The `json` format. */
export const jsonFormat = {
  name: 'json',
  description: "Sextant's own JSON (docs/cli.md)",
  mediaType: 'application/json',
  render: (sbom) => `${JSON.stringify(sbom, null, 2)}\n`,
} satisfies SbomFormat;
