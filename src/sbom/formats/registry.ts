// SBOM output formats by name (the `--format` values of `sextant sbom` that write documents).
import { cyclonedxFormat } from './cyclonedx/cyclonedx.ts';
import type { SbomFormat } from './format.ts';
import { jsonFormat } from './json.ts';
import { spdxFormat } from './spdx/spdx.ts';

/** Every document format, keyed by name. */
export const sbomFormats: Readonly<Record<string, SbomFormat>> = Object.fromEntries([jsonFormat, cyclonedxFormat, spdxFormat].map((f) => [f.name, f]));
