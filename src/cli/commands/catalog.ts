// `sextant catalog add|import|export`: the server's public catalog of base images (layer chains under names, tags
// and platforms), filled from images or from JSON Lines files for air-gapped sites (docs/cli.md).
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { formatPlatform, parsePlatform } from '../../image/platform.ts';
import { parseImageName } from '../../image/reference.ts';
import { resolveServerConnection, serverClient, withServerOptions, type CatalogEntry, type ServerCommandOptions } from '../server-client.ts';

/** Entries per `POST /api/v1/catalog` request when importing. */
export const CATALOG_BATCH_SIZE = 500;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** A catalog entry's platform, as the API takes it: `os/arch[/variant]`, lowercase letters, digits, `_` and `-`. */
const PLATFORM = /^[a-z0-9_-]+(?:\/[a-z0-9_-]+){1,2}$/;

interface AddOptions extends ServerCommandOptions {
  name?: string;
  /** Every `--platform` given, in order. */
  platform: string[];
  allPlatforms?: boolean;
  insecureRegistry?: boolean;
  quiet?: boolean;
}

/** Add `catalog` and its subcommands to the program. */
export function registerCatalog(program: Command): void {
  const catalog = program.command('catalog').description('Manage the server\u2019s public catalog of base images (layer chains under names, tags and platforms)');
  withServerOptions(catalog.command('add'))
    .description('Add images to the catalog: only their manifests and configs are read, for their layer chains')
    .argument('<image...>', 'registry://HOST/REPO[:TAG] | NAME[:TAG] | archive://PATH | oci-dir://PATH[:TAG]')
    .option('--name <name[:tag]>', 'the name (and tag) to store a single image under (default: the reference\u2019s, or the one its archive records)')
    .option('--platform <os/arch[/variant]>', "platform to add from a multi-platform image, repeatable: one entry each (default: the host's)", (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--all-platforms', 'add every platform a multi-platform image lists (a single-platform image: its one)')
    .option('--insecure-registry', 'allow plain HTTP to the registry')
    .option('-q, --quiet', 'no line per added entry')
    .action(async (images: string[], opts: AddOptions) => {
      if (opts.name !== undefined && images.length > 1) throw new SextantError('USAGE', '--name names a single image: give one image with it');
      if (opts.allPlatforms && opts.platform.length > 0) throw new SextantError('USAGE', '--platform and --all-platforms exclude each other: give one of them');
      // Each platform asked once (`linux/arm64` and `linux/arm64/v8` are one); none asked: the host's, or the only one.
      const asked = [...new Set(opts.platform.map((p) => formatPlatform(parsePlatform(p))))];
      const connection = resolveServerConnection(opts);
      const { readImageChain } = await import('../image-chain.ts');
      const { listImagePlatforms } = await import('../../image/open-image.ts');
      const insecureRegistry = opts.insecureRegistry ?? false;
      const entries: CatalogEntry[] = [];
      for (const image of images) {
        // A single-platform image lists none: it is read as it is, for its one platform.
        const listed = opts.allPlatforms ? ((await listImagePlatforms(image, { insecureRegistry })) ?? []).map(formatPlatform) : asked;
        for (const platform of listed.length > 0 ? listed : [undefined]) {
          const chain = await readImageChain(image, { platform, insecureRegistry });
          const { name, tag } = entryName(image, chain, opts.name);
          // The platform of the manifest read, as its config says: the one asked for, or the one there was.
          entries.push({ name, tag, platform: catalogPlatform(chain.platform), digest: chain.digest, layers: chain.layers });
        }
      }
      const added = await serverClient(connection).addCatalog(entries);
      if (!opts.quiet) {
        for (const e of entries) process.stdout.write(`${e.name}:${e.tag}  ${e.platform ?? '-'}  ${e.digest}  ${e.layers.length} ${e.layers.length === 1 ? 'layer' : 'layers'}\n`);
      }
      // The server counts the entries it wrote: an entry replaces the one with the same name, tag and platform.
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
      // Every line says its platform, null when unknown (a server from before platforms does not list it).
      const text = entries.map((e) => `${JSON.stringify({ ...e, platform: e.platform ?? null })}\n`).join('');
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

/** A config's platform as the catalog keeps it (lowercase); null when unknown or not of the catalog's form. */
function catalogPlatform(platform: string | null): string | null {
  const text = platform?.toLowerCase();
  return text !== undefined && PLATFORM.test(text) ? text : null;
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
  const { name, tag, platform, digest, layers, addedAt } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw new SextantError('CORRUPT', `${where}: "name" must be a non-empty string`);
  const parsed = parseImageName(name);
  if (!parsed || parsed.tag || parsed.digest) throw new SextantError('CORRUPT', `${where}: "name" must be an image name without tag or digest (docker.io/library/alpine), not "${name}"`);
  if (typeof tag !== 'string' || !/^[\w][\w.-]{0,127}$/.test(tag)) throw new SextantError('CORRUPT', `${where}: "tag" must be an image tag`);
  if (platform !== undefined && platform !== null && (typeof platform !== 'string' || !PLATFORM.test(platform))) {
    throw new SextantError('CORRUPT', `${where}: "platform" must be null or os/arch[/variant] in lowercase letters, digits, _ and - (linux/arm/v7)`);
  }
  if (digest !== undefined && digest !== null && (typeof digest !== 'string' || !DIGEST.test(digest))) throw new SextantError('CORRUPT', `${where}: "digest" must be null or a sha256 digest`);
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every((l) => typeof l === 'string' && DIGEST.test(l))) {
    throw new SextantError('CORRUPT', `${where}: "layers" must be a non-empty list of sha256 diffIDs`);
  }
  if (addedAt !== undefined && typeof addedAt !== 'string') throw new SextantError('CORRUPT', `${where}: "addedAt" must be a string`);
  return { name: parsed.name, tag, platform: typeof platform === 'string' ? platform : null, digest: typeof digest === 'string' ? digest : null, layers: layers as string[], ...(addedAt !== undefined ? { addedAt } : {}) };
}
