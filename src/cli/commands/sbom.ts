// `sextant sbom IMAGE`: every package in an image, as Sextant's JSON or a table for people.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { runAnalysis, withImageOptions } from '../run-analysis.ts';
import { sbomFormats } from '../../sbom/formats/registry.ts';
import { version } from '../version.ts';

/** Output formats `sbom` writes: the document formats, and `list`, a table for people. */
const FORMATS = [...Object.keys(sbomFormats), 'list'];

/** Add `sbom` to the program. */
export function registerSbom(program: Command): void {
  withImageOptions(program.command('sbom'))
    .description('List every OS and application package in an image (a software bill of materials)')
    .argument('<image>', 'archive://PATH | oci-dir://PATH[:TAG] | registry://HOST/REPO[:TAG|@DIGEST] | fs://PATH | NAME[:TAG]')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'list')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--use-attestations', 'take the SPDX SBOM the image\'s build attested, when there is one, instead of cataloging')
    .action(async (image: string, opts: { cache?: boolean; useAttestations?: boolean; format: string; output?: string; platform?: string; insecureRegistry?: boolean; quiet?: boolean }) => {
      if (!FORMATS.includes(opts.format)) {
        throw new SextantError('USAGE', `unknown format "${opts.format}" (use ${FORMATS.join(', ')})`);
      }
      const format = opts.format;
      const [{ defaultCatalogerSet }, { assembleSbom }] = await Promise.all([import('../../catalog/default-catalogers.ts'), import('../../sbom/assemble.ts')]);
      const analysis = await runAnalysis(image, opts, { catalogers: defaultCatalogerSet, useAttestations: opts.useAttestations ?? false });
      const sbom = assembleSbom(analysis.metadata, analysis.packages, version);
      const writer = sbomFormats[format];
      const text = writer ? writer.render(sbom) : (await import('../output/package-table.ts')).renderPackageTable(sbom);
      if (opts.output) await writeFile(opts.output, text);
      else process.stdout.write(text);
    });
}
