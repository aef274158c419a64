// The cataloger contract (a name, a version, the globs it reads, and catalog()), and the generic glob cataloger
// that wires pure parsers to file patterns, as every ecosystem folder does.
import type { OsRelease } from '../core/model.ts';
import type { Location, Package } from '../core/package.ts';
import { matchGlob } from '../layerfs/glob.ts';
import type { FileResolver, InspectorFactory } from '../layerfs/types.ts';

/** What a cataloger sees: files through a resolver, the distribution, and which layer wrote a file. */
export interface CatalogEnv {
  resolver: FileResolver;
  /** The image's os-release, for OS package purls (`distro=debian-12`); null when unknown. */
  distro: OsRelease | null;
  /** Digest (diffID) of the layer that last wrote `path`; null for a root filesystem. */
  layerDigest(path: string): string | null;
  /**
   * What a cataloger's inspector (Cataloger.inspect) found, for each file of the squashed view it kept a result
   * for. Absent where no inspection ran (a cataloger tested on its own); read it as `env.inspections?.(name) ?? []`.
   */
  inspections?(cataloger: string): Inspection[];
}

/** One inspector result: the file it came from, the layer that wrote that file, and what the inspector returned. */
export interface Inspection {
  path: string;
  layerDigest: string | null;
  result: unknown;
}

/** Finds the packages of one ecosystem. Bumping `version` is what invalidates cached results. */
export interface Cataloger {
  readonly name: string;
  readonly version: number;
  /** Files whose content catalog() reads: the layer walk keeps exactly these in memory (up to `maxFileBytes`). */
  readonly globs: readonly string[];
  /**
   * Largest file of this cataloger's that the walk keeps, in bytes; default DEFAULT_MAX_FILE_BYTES. Package
   * databases (rpmdb.sqlite, Packages) need more than manifests do.
   */
  readonly maxFileBytes?: number;
  /**
   * Streaming inspection for files too many or too big to keep (executables, every text file for secrets):
   * chosen by path, size and mode, fed as the walk passes, results read back through `env.inspections(name)`.
   */
  readonly inspect?: InspectorFactory;
  catalog(env: CatalogEnv): Promise<Package[]>;
  /**
   * The packages one version of one of this cataloger's files declares (an earlier layer's copy of a package
   * database). The analysis compares the copies layer by layer to tell which layer introduced each package.
   */
  parseSnapshot?(path: string, content: Buffer, env: CatalogEnv): Promise<Package[]>;
}

/** Largest file a cataloger reads unless it says otherwise (8 MiB: manifests and lockfiles are far smaller). */
export const DEFAULT_MAX_FILE_BYTES = 8 * 2 ** 20;

/** What a parser knows besides the bytes: where they are, the distro, and the cataloger's name for `foundBy`. */
export interface ParseContext {
  location: Location;
  distro: OsRelease | null;
  foundBy: string;
  /** Read a sibling file (an RPM's other db file, a dist-info RECORD); undefined when absent or not captured. */
  readFile(path: string): Promise<Buffer | undefined>;
}

/** A parser: one file's bytes in, the packages it declares out. Throws nothing for malformed input it can skip. */
export type Parser = (content: Buffer, ctx: ParseContext) => Package[] | Promise<Package[]>;

/** One glob and the parser for the files it matches. */
export interface ParserBinding {
  glob: string;
  parse: Parser;
}

/**
 * A cataloger that runs `parsers` over every matching file, in path order. `extraGlobs` name files the parsers
 * read beside their own (through ParseContext.readFile), so that the walk keeps them too.
 */
export function globCataloger(
  name: string,
  version: number,
  parsers: readonly ParserBinding[],
  extraGlobs: readonly string[] = [],
  options: { maxFileBytes?: number } = {},
): Cataloger {
  const foundBy = `${name}@${version}`;
  return {
    name,
    version,
    globs: [...parsers.map((p) => p.glob), ...extraGlobs],
    ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    async parseSnapshot(path, content, env) {
      const binding = parsers.find((p) => matchGlob(p.glob, path));
      if (!binding) return [];
      const location = { path, layerDigest: null };
      return binding.parse(content, { location, distro: env.distro, foundBy, readFile: (p) => env.resolver.readFile(p) });
    },
    async catalog(env) {
      const out: Package[] = [];
      for (const { glob, parse } of parsers) {
        for (const rec of env.resolver.glob(glob)) {
          if (rec.type !== 'file') continue;
          const content = await env.resolver.readFile(rec.path);
          if (content === undefined) continue;
          const location = { path: rec.path, layerDigest: env.layerDigest(rec.path) };
          out.push(...(await parse(content, { location, distro: env.distro, foundBy, readFile: (p) => env.resolver.readFile(p) })));
        }
      }
      return out;
    },
  };
}
