// SBOM output formats by name (the `--format` values of `sextant sbom` that write documents).
import type { SbomFormat } from './format.ts';
import { jsonFormat } from './json.ts';

/** Every document format, keyed by name. */
export const sbomFormats: Readonly<Record<string, SbomFormat>> = Object.fromEntries([jsonFormat].map((f) => [f.name, f]));
