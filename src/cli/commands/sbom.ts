// `sextant sbom IMAGE`: every package in an image, as Sextant's JSON or a table for people.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { openLayerCache } from '../layer-cache-option.ts';
import { sbomFormats } from '../../sbom/formats/registry.ts';
import { version } from '../version.ts';

/** Output formats `sbom` writes: the document formats, and `list`, a table for people. */
const FORMATS = [...Object.keys(sbomFormats), 'list'];

/** Add `sbom` to the program. */
export function registerSbom(program: Command): void {
  program
    .command('sbom')
    .description('List every OS and application package in an image (a software bill of materials)')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | NAME[:TAG]')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'list')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default: the host\'s)')
    .option('--insecure-registry', 'allow plain HTTP to the registry')
    .option('--use-attestations', 'take the SPDX SBOM the image\'s build attested, when there is one, instead of cataloging')
    .option('-q, --quiet', 'no progress output')
    .option('--no-cache', 'read every layer, neither using nor filling the layer cache ($SEXTANT_HOME)')
    .action(async (image: string, opts: { cache?: boolean; useAttestations?: boolean; format: string; output?: string; platform?: string; insecureRegistry?: boolean; quiet?: boolean }) => {
      if (!FORMATS.includes(opts.format)) {
        throw new SextantError('USAGE', `unknown format "${opts.format}" (use ${FORMATS.join(', ')})`);
      }
      const format = opts.format;
      const [{ analyzeImage }, { parsePlatform }, { walkProgress }, { defaultCatalogers }, { assembleSbom }] = await Promise.all([
        import('../../analyze/analyze.ts'),
        import('../../image/platform.ts'),
        import('../output/progress.ts'),
        import('../../catalog/registry.ts'),
        import('../../sbom/assemble.ts'),
      ]);
      const progress = await walkProgress('Reading layers', !opts.quiet);
      const layerCache = await openLayerCache(opts);
      try {
        const analysis = await analyzeImage(image, {
          ...(layerCache ? { cache: layerCache } : {}),
          platform: opts.platform ? parsePlatform(opts.platform) : null,
          insecureRegistry: opts.insecureRegistry ?? false,
          catalogers: defaultCatalogers(),
          useAttestations: opts.useAttestations ?? false,
          ...(progress.active ? { onLayers: progress.onLayers, onProgress: progress.onProgress } : {}),
        });
        progress.stop();
        const sbom = assembleSbom(analysis.metadata, analysis.packages, version);
        const writer = sbomFormats[format];
        const text = writer ? writer.render(sbom) : (await import('../output/package-table.ts')).renderPackageTable(sbom);
        if (opts.output) await writeFile(opts.output, text);
        else process.stdout.write(text);
      } finally {
        progress.stop();
        layerCache?.close();
      }
    });
}
