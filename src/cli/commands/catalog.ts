// `sextant catalog add|import|export`: the server's public catalog of base images (layer chains under names and
// tags), filled from images or from JSON Lines files for air-gapped sites (docs/cli.md).
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { parseImageName } from '../../image/reference.ts';
import { resolveServerConnection, serverClient, withServerOptions, type CatalogEntry, type ServerCommandOptions } from '../server-client.ts';

/** Entries per `POST /api/v1/catalog` request when importing. */
export const CATALOG_BATCH_SIZE = 500;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

interface AddOptions extends ServerCommandOptions {
  name?: string;
  platform?: string;
  insecureRegistry?: boolean;
  quiet?: boolean;
}

/** Add `catalog` and its subcommands to the program. */
export function registerCatalog(program: Command): void {
  const catalog = program.command('catalog').description('Manage the server\u2019s public catalog of base images (layer chains under names and tags)');
  withServerOptions(catalog.command('add'))
    .description('Add images to the catalog: only their manifests and configs are read, for their layer chains')
    .argument('<image...>', 'registry://HOST/REPO[:TAG] | NAME[:TAG] | archive://PATH | oci-dir://PATH[:TAG]')
    .option('--name <name[:tag]>', 'the name (and tag) to store a single image under (default: the reference\u2019s, or the one its archive records)')
    .option('--platform <os/arch[/variant]>', "platform to pick from a multi-platform image (default: the host's)")
    .option('--insecure-registry', 'allow plain HTTP to the registry')
    .option('-q, --quiet', 'no line per added image')
    .action(async (images: string[], opts: AddOptions) => {
      if (opts.name !== undefined && images.length > 1) throw new SextantError('USAGE', '--name names a single image: give one image with it');
      const connection = resolveServerConnection(opts);
      const { readImageChain } = await import('../image-chain.ts');
      const entries: CatalogEntry[] = [];
      for (const image of images) {
        const chain = await readImageChain(image, opts);
        const { name, tag } = entryName(image, chain, opts.name);
        entries.push({ name, tag, digest: chain.digest, layers: chain.layers });
      }
      const added = await serverClient(connection).addCatalog(entries);
      if (!opts.quiet) for (const e of entries) process.stdout.write(`${e.name}:${e.tag}  ${e.digest}  ${e.layers.length} ${e.layers.length === 1 ? 'layer' : 'layers'}\n`);
      // The server counts the entries it wrote: an entry replaces the one with the same name and tag.
      process.stdout.write(`stored ${added} catalog ${added === 1 ? 'entry' : 'entries'}\n`);
    });
  withServerOptions(catalog.command('import'))
    .description('Add the catalog entries of a JSON Lines file (one entry per line, as export writes them; - for stdin)')
    .argument('<file>', 'JSON Lines file, or - for standard input')
    .action(async (file: string, opts: ServerCommandOptions) => {
      const connection = resolveServerConnection(opts);
      // Every line is read and checked before anything is sent: a bad line leaves the catalog as it was.
      const entries = await readCatalogLines(file);
      const client = serverClient(connection);
      let added = 0;
      for (let i = 0; i < entries.length; i += CATALOG_BATCH_SIZE) added += await client.addCatalog(entries.slice(i, i + CATALOG_BATCH_SIZE));
      process.stdout.write(`imported ${entries.length} catalog ${entries.length === 1 ? 'entry' : 'entries'}: ${added} stored\n`);
    });
  withServerOptions(catalog.command('export'))
    .description('Write the server\u2019s catalog as JSON Lines (one entry per line), for import on another server')
    .argument('<file>', 'file to write, or - for standard output')
    .action(async (file: string, opts: ServerCommandOptions) => {
      const connection = resolveServerConnection(opts);
      const entries = await serverClient(connection).listCatalog();
      const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      if (file === '-') {
        process.stdout.write(text);
        return;
      }
      try {
        await writeFile(file, text);
      } catch (err) {
        throw new SextantError('NOT_FOUND', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
      }
      process.stdout.write(`exported ${entries.length} catalog ${entries.length === 1 ? 'entry' : 'entries'} to ${file}\n`);
    });
}

/** The name and tag an added image is stored under: `--name`, else the reference's, else its archive's. */
function entryName(image: string, chain: { name: string | null; tag: string | null }, nameOption: string | undefined): { name: string; tag: string } {
  let name = chain.name;
  let tag = chain.tag;
  if (nameOption !== undefined) {
    const given = parseImageName(nameOption);
    if (!given || given.digest) throw new SextantError('USAGE', `invalid --name "${nameOption}" (use NAME[:TAG], e.g. docker.io/library/alpine:3.20)`);
    name = given.name;
    tag = given.tag ?? tag;
  }
  if (!name || !tag) {
    throw new SextantError('USAGE', `cannot tell the ${name ? 'tag' : 'name'} to store ${image} under: give --name NAME:TAG`);
  }
  return { name, tag };
}

/**
 * The catalog entries of a JSON Lines file (blank lines skipped). Names are made canonical (`alpine` →
 * `docker.io/library/alpine`). Throws CORRUPT naming the first bad line.
 */
export async function readCatalogLines(file: string): Promise<CatalogEntry[]> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  const entries: CatalogEntry[] = [];
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNumber++;
      if (line.trim() === '') continue;
      entries.push(parseCatalogLine(line, `${file === '-' ? 'standard input' : file}:${lineNumber}`));
    }
  } catch (err) {
    if (err instanceof SextantError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new SextantError('NOT_FOUND', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)}`, { cause: err });
  }
  return entries;
}

/** One line of a catalog file, checked; `where` (`FILE:LINE`) starts the message of a CORRUPT error. */
export function parseCatalogLine(line: string, where: string): CatalogEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new SextantError('CORRUPT', `${where}: not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SextantError('CORRUPT', `${where}: a catalog entry must be a JSON object`);
  const { name, tag, digest, layers, addedAt } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw new SextantError('CORRUPT', `${where}: "name" must be a non-empty string`);
  const parsed = parseImageName(name);
  if (!parsed || parsed.tag || parsed.digest) throw new SextantError('CORRUPT', `${where}: "name" must be an image name without tag or digest (docker.io/library/alpine), not "${name}"`);
  if (typeof tag !== 'string' || !/^[\w][\w.-]{0,127}$/.test(tag)) throw new SextantError('CORRUPT', `${where}: "tag" must be an image tag`);
  if (digest !== undefined && digest !== null && (typeof digest !== 'string' || !DIGEST.test(digest))) throw new SextantError('CORRUPT', `${where}: "digest" must be null or a sha256 digest`);
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every((l) => typeof l === 'string' && DIGEST.test(l))) {
    throw new SextantError('CORRUPT', `${where}: "layers" must be a non-empty list of sha256 diffIDs`);
  }
  if (addedAt !== undefined && typeof addedAt !== 'string') throw new SextantError('CORRUPT', `${where}: "addedAt" must be a string`);
  return { name: parsed.name, tag, digest: typeof digest === 'string' ? digest : null, layers: layers as string[], ...(addedAt !== undefined ? { addedAt } : {}) };
}
