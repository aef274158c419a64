// Image analysis: open an image, walk its layers once, and produce its metadata (config, os-release,
// attestations) and, with catalogers, its packages.
import type { AttestationStatement, ImageMetadata, OsRelease, Platform } from '../core/model.ts';
import { readOsRelease } from '../catalog/distro.ts';
import { isStatementLayer, parseAttestationLayer, provenanceFrom, sbomStatementsFrom } from '../image/attestations.ts';
import { parseDescriptor } from '../image/descriptor.ts';
import { historyForLayers, splitEnv } from '../image/image-config.ts';
import { parseJsonObject } from '../image/json.ts';
import { type OpenedImage, openImage } from '../image/open-image.ts';
import type { ResolvedImage } from '../image/resolve.ts';
import { coalesce } from '../layerfs/coalesce.ts';
import { createImageResolver } from '../layerfs/image-resolver.ts';
import { inspectRootfs, openRootfs } from '../layerfs/rootfs-resolver.ts';
import type { CapturePredicate, FileInspector, FileResolver, InspectorFactory, LayerChanges, LayerContents, RandomAccessFile, WalkLimits } from '../layerfs/types.ts';
import { streamThrough } from '../layerfs/stream-through.ts';
import { glob } from '../layerfs/glob.ts';
import { type CatalogEnv, type Cataloger, DEFAULT_MAX_FILE_BYTES, type Inspection } from '../catalog/cataloger.ts';
import { catalogSignature, type CatalogSignature, type LazyCatalogers, loadedCatalogers } from '../catalog/signature.ts';
import type { Package } from '../core/package.ts';
import type { SecretFinding } from '../core/secret.ts';
import { fileFindings, SECRETS_CATALOGER, secretsCataloger } from '../catalog/secrets/cataloger.ts';
import { scanMetadata } from '../catalog/secrets/metadata.ts';
import { limitsFromEnv } from '../layerfs/walk-layer.ts';
import { attributeIntroducingLayers } from './introduced-by.ts';
import { type LayerProgress, walkImage } from './walk-image.ts';
import type { LayerCache } from './layer-cache.ts';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { SextantError } from '../core/errors.ts';

/** The secrets pseudo-cataloger's part of a walk signature. */
const SECRETS_SIGNATURE = catalogSignature([secretsCataloger]);

/** Files `inspect` reads from the squashed view. */
const OS_RELEASE_PATHS = new Set(['/etc/os-release', '/usr/lib/os-release']);
/** Largest attestation layer read (BuildKit provenance with a Dockerfile is a few KiB to a few MiB). */
const MAX_ATTESTATION_BYTES = 32 * 2 ** 20;

/** Options of an analysis. */
export interface AnalyzeOptions {
  platform: Platform | null;
  insecureRegistry?: boolean;
  onProgress?: (p: LayerProgress) => void;
  /** Called once the layer list is known, before walking. */
  onLayers?: (layers: { digest: string; size: number }[]) => void;
  /**
   * Catalogers to run over the squashed filesystem; none for metadata only. Lazy ones are loaded only when the
   * whole-image cache does not already hold the result.
   */
  catalogers?: readonly Cataloger[] | LazyCatalogers;
  /** Scan text files, environment, labels and history for secrets (Analysis.secrets). */
  secrets?: boolean;
  /** Reuse and store per-layer walk results (the layer cache); none by default. */
  cache?: LayerCache;
  /** Take the packages of an SPDX SBOM attestation, when the image has one, instead of cataloging (no layer is read). */
  useAttestations?: boolean;
}

/** What an analysis found. */
export interface Analysis {
  metadata: ImageMetadata;
  /** Packages from every cataloger, in cataloger order. */
  packages: Package[];
  /** Secrets found when AnalyzeOptions.secrets asked for them (files in path order, then env, labels, history); else empty. */
  secrets: SecretFinding[];
}

/** Analyze `reference`: metadata, and packages when catalogers are given. Throws SextantError on bad input. */
export async function analyzeImage(reference: string, options: AnalyzeOptions): Promise<Analysis> {
  const chosen = options.catalogers ?? [];
  const lazy = 'load' in chosen ? chosen : loadedCatalogers(chosen);
  // Secret scanning rides the walk as one more inspector; it adds no captures and no packages.
  const withSecrets = (catalogers: readonly Cataloger[]) => (options.secrets ? [...catalogers, secretsCataloger] : catalogers);
  const opened = await openImage(reference, { platform: options.platform, insecureRegistry: options.insecureRegistry ?? false });
  try {
    if (opened.kind === 'sbom') return await analyzeSbomFile(reference, opened.path);
    if (opened.kind === 'rootfs') {
      const catalogers = await lazy.load();
      const inspecting = withSecrets(catalogers);
      const resolver = await openRootfs(opened.path, capturePredicate(catalogers), { maxCaptureBytes: walkLimits(catalogSignature(catalogers).maxFileBytes).maxCaptureBytes });
      const osRelease = await readOsRelease(resolver);
      const inspect = inspectorFactory(inspecting);
      const inspected = inspect ? await inspectRootfs(opened.path, resolver, inspect) : new Map<string, unknown>();
      const inspections = inspectionsOf(inspected, () => null);
      const packages = await runCatalogers(catalogers, { resolver, distro: osRelease, layerDigest: () => null, inspections });
      const secrets = options.secrets ? fileFindings(inspections?.(SECRETS_CATALOGER) ?? []) : [];
      return { metadata: { ...emptyMetadata(reference, 'fs'), osRelease }, packages, secrets };
    }
    const image = opened.image;
    if (options.useAttestations) {
      // An SBOM the build attested stands in for cataloging, and no layer is read.
      const statements = await readAttestations(image);
      const attested = sbomStatementsFrom(statements);
      if (attested.length > 0) {
        const { readSbomDocument } = await import('../sbom/import/read-sbom.ts');
        const packages = attested.flatMap((s) => readSbomDocument(Buffer.from(JSON.stringify(s.predicate)), `the SBOM attestation in layer ${s.layerDigest}`).packages);
        const metadata = imageMetadata(reference, opened, statements, null, null);
        return { metadata, packages, secrets: options.secrets ? scanMetadata(metadata) : [] };
      }
    }
    const catalogSig = await lazy.signature();
    const limits = walkLimits(catalogSig.maxFileBytes);
    const signature = walkSignature(options.secrets ? [catalogSig, SECRETS_SIGNATURE] : [catalogSig], limits);
    // The same image analysed the same way before: its result stands, and not even the layer cache is read.
    const analysisKey = createHash('sha256').update(`${image.manifestDigest}\n${signature}`).digest('hex');
    const cachedAnalysis = options.cache?.getAnalysis(analysisKey) as CachedAnalysis | undefined;
    if (cachedAnalysis) {
      const statements = await readAttestations(image);
      const metadata = imageMetadata(reference, opened, statements, cachedAnalysis.osRelease, cachedAnalysis.facts);
      const secrets = options.secrets ? [...cachedAnalysis.fileSecrets, ...scanMetadata(metadata)] : [];
      return { metadata, packages: cachedAnalysis.packages, secrets };
    }
    options.onLayers?.(image.layers);
    const catalogers = await lazy.load();
    const inspect = inspectorFactory(withSecrets(catalogers));
    const contents = await walkImage(image, {
      ...(options.cache ? { cache: { store: options.cache, signature } } : {}),
      capture: capturePredicate(catalogers),
      ...(inspect ? { inspect } : {}),
      limits,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const { squashed, changes } = coalesce(contents);
    const resolver: FileResolver = createImageResolver(squashed);
    const statements = await readAttestations(image);
    const osRelease = await readOsRelease(resolver);
    const layerDigest = (path: string): string | null => {
      const layer = resolver.lstat(path)?.layer;
      return layer === null || layer === undefined ? null : (image.layers[layer]?.diffId ?? null);
    };
    const env: CatalogEnv = { resolver, distro: osRelease, layerDigest, inspections: inspectionsOf(squashed.inspected, layerDigest) };
    const packages = await runCatalogers(catalogers, env);
    await attributeIntroducingLayers(packages, catalogers, contents, image.layers.map((l) => l.diffId), env);
    const facts = layerFacts(contents, changes);
    const metadata = imageMetadata(reference, opened, statements, osRelease, facts);
    const fileSecrets = options.secrets ? fileFindings(env.inspections?.(SECRETS_CATALOGER) ?? []) : [];
    options.cache?.putAnalysis(analysisKey, { osRelease, facts, packages, fileSecrets } satisfies CachedAnalysis);
    const secrets = options.secrets ? [...fileSecrets, ...scanMetadata(metadata)] : [];
    return { metadata, packages, secrets };
  } finally {
    await opened.close();
  }
}

/** What walking a layer taught about it: its stored digest, and how many paths it added, changed and removed. */
interface LayerFacts {
  digest: string;
  changes: { added: number; changed: number; removed: number } | null;
}

/** Layer facts from a walk and its coalescing. */
function layerFacts(contents: readonly LayerContents[], changes: readonly LayerChanges[]): LayerFacts[] {
  return contents.map((c, i) => {
    const ch = changes[i];
    return { digest: c.digest, changes: ch ? { added: ch.added.length, changed: ch.changed.length, removed: ch.removed.length } : null };
  });
}

/** An analysis as the cache keeps it for a whole image: what the walk and the catalogers found. */
interface CachedAnalysis {
  osRelease: OsRelease | null;
  facts: LayerFacts[];
  packages: Package[];
  fileSecrets: SecretFinding[];
}

/**
 * The metadata of a layered image: config, platform, os-release, layers (with what each changed, when walked),
 * registry and attestations. `facts` is null when no layer was read.
 */
function imageMetadata(
  reference: string,
  opened: Extract<OpenedImage, { kind: 'layered' }>,
  statements: AttestationStatement[],
  osRelease: OsRelease | null,
  facts: readonly LayerFacts[] | null,
): ImageMetadata {
  const image = opened.image;
  const c = image.config;
  const history = historyForLayers(c.history, image.layers.length);
  return {
    reference,
    source: opened.ref.kind,
    id: image.configDescriptor.digest,
    digest: image.manifestDigest,
    manifestMediaType: image.manifestMediaType,
    indexDigest: image.indexDigest,
    created: c.created,
    architecture: c.architecture,
    variant: c.variant,
    os: c.os,
    osRelease,
    ports: c.exposedPorts,
    env: splitEnv(c.env),
    labels: c.labels,
    user: c.user,
    entrypoint: c.entrypoint,
    cmd: c.cmd,
    workingDir: c.workingDir,
    stopSignal: c.stopSignal,
    layers: image.layers.map((l, i) => ({
      // The walk knows the stored digest even where the source could not name it up front.
      digest: facts?.[i]?.digest ?? l.digest,
      diffId: l.diffId,
      size: l.size,
      mediaType: l.mediaType,
      createdBy: history[i]?.createdBy ?? null,
      created: history[i]?.created ?? null,
      changes: facts?.[i]?.changes ?? null,
    })),
    history: c.history,
    size: image.layers.reduce((n, l) => n + l.size, 0),
    registry: opened.registry,
    provenance: provenanceFrom(statements),
    sbomAttestations: sbomStatementsFrom(statements),
  };
}

/** Largest SBOM document read for `sbom://` (SBOMs of big images run to tens of MB). */
const MAX_SBOM_FILE_BYTES = 512 * 2 ** 20;

/** An analysis read from an SBOM document (`sbom://`): its packages, and the little metadata an SBOM carries. */
async function analyzeSbomFile(reference: string, path: string): Promise<Analysis> {
  const size = await stat(path).then(
    (s) => (s.isFile() ? s.size : -1),
    (err: NodeJS.ErrnoException) => {
      throw new SextantError('NOT_FOUND', `${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
    },
  );
  if (size < 0) throw new SextantError('NOT_AN_IMAGE', `${path} is not a file`);
  if (size > MAX_SBOM_FILE_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${path} is too large for an SBOM (${size} bytes)`);
  // Loaded on demand: SBOM reading brings packageurl-js, whose start-up every other analysis can skip.
  const { readSbomDocument } = await import('../sbom/import/read-sbom.ts');
  const imported = readSbomDocument(await readFile(path), path);
  const distro = imported.distro?.id
    ? { id: imported.distro.id, versionId: imported.distro.versionId, prettyName: null, name: null, versionCodename: null, idLike: [], path: '' }
    : null;
  return { metadata: { ...emptyMetadata(reference, 'sbom'), osRelease: distro }, packages: imported.packages, secrets: [] };
}

/** Inspect `reference` and return its metadata (an analysis without catalogers). */
export async function inspectImage(reference: string, options: Omit<AnalyzeOptions, 'catalogers'>): Promise<ImageMetadata> {
  return (await analyzeImage(reference, options)).metadata;
}

/**
 * What a layer's cached walk depends on: which files were kept and inspected (every cataloger's name@version,
 * globs and size limit), and the limits. Bumping a cataloger's version changes it, so its layers are read again.
 */
function walkSignature(catalogs: readonly CatalogSignature[], limits: WalkLimits): string {
  const parts = catalogs.map((c) => c.id);
  parts.push(`os-release:64k`, `capture:${limits.maxCaptureBytes}`, `layer:${limits.maxLayerBytes}:${limits.maxCompressionRatio}:${limits.ratioGraceBytes}:${limits.maxEntries}`);
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/** The files the walk keeps in memory: os-release, and whatever the catalogers' globs name, each up to its cataloger's limit. */
function capturePredicate(catalogers: readonly Cataloger[]): CapturePredicate {
  const globs = catalogers.flatMap((c) => c.globs.map((g) => ({ glob: glob(g), max: c.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES })));
  return (path, size) => (OS_RELEASE_PATHS.has(path) && size <= 64 * 1024) || globs.some((g) => size <= g.max && g.glob.test(path));
}

/** Walk limits from the environment; unless SEXTANT_MAX_CAPTURE_BYTES says otherwise, big enough for every cataloger. */
function walkLimits(maxFileBytes: number): WalkLimits {
  const limits = limitsFromEnv();
  if (process.env.SEXTANT_MAX_CAPTURE_BYTES === undefined) {
    limits.maxCaptureBytes = Math.max(limits.maxCaptureBytes, maxFileBytes);
  }
  return limits;
}

/**
 * One inspector factory for all catalogers that inspect: each file gets the inspectors that want it, fanned out,
 * and its result is an object keyed by cataloger name. Undefined when no cataloger inspects.
 */
function inspectorFactory(catalogers: readonly Cataloger[]): InspectorFactory | undefined {
  const inspecting = catalogers.filter((c): c is Cataloger & { inspect: InspectorFactory } => c.inspect !== undefined);
  if (inspecting.length === 0) return undefined;
  return (path, size, mode) => {
    const chosen: [string, FileInspector][] = [];
    for (const c of inspecting) {
      const inspector = c.inspect(path, size, mode);
      if (inspector) chosen.push([c.name, inspector]);
    }
    if (chosen.length === 0) return null;
    const collect = (answers: [string, unknown][]): Record<string, unknown> | undefined => {
      const results: Record<string, unknown> = {};
      let any = false;
      for (const [name, r] of answers) if (r !== undefined) [results[name], any] = [r, true];
      return any ? results : undefined;
    };
    return {
      write(chunk) {
        for (const [, i] of chosen) i.write(chunk);
      },
      end() {
        return collect(chosen.map(([name, i]) => [name, i.end()]));
      },
      async readFrom(file) {
        // Small reads (headers, section tables) asked for by several inspectors are made once.
        const small = new Map<string, Promise<Buffer>>();
        const shared: RandomAccessFile = {
          size: file.size,
          read(offset, length) {
            if (length > 64 * 1024) return file.read(offset, length);
            const key = `${offset}:${length}`;
            let got = small.get(key);
            if (got === undefined) small.set(key, (got = file.read(offset, length)));
            return got;
          },
        };
        // Those that can read by offset do; the rest share one pass over the whole file.
        const streaming = chosen.filter(([, i]) => i.readFrom === undefined);
        const answers: [string, unknown][] = [];
        for (const [name, i] of chosen) if (i.readFrom) answers.push([name, await i.readFrom(shared)]);
        if (streaming.length > 0) {
          await streamThrough(shared, { write: (chunk) => streaming.forEach(([, i]) => i.write(chunk)), end: () => undefined });
          for (const [name, i] of streaming) answers.push([name, i.end()]);
        }
        return collect(answers);
      },
    };
  };
}

/** CatalogEnv.inspections over the per-path results of inspectorFactory's inspectors. */
function inspectionsOf(inspected: ReadonlyMap<string, unknown>, layerDigest: (path: string) => string | null): CatalogEnv['inspections'] {
  return (cataloger) => {
    const out: Inspection[] = [];
    for (const [path, results] of inspected) {
      const result = (results as Record<string, unknown>)[cataloger];
      if (result !== undefined) out.push({ path, layerDigest: layerDigest(path), result });
    }
    return out;
  };
}

async function runCatalogers(catalogers: readonly Cataloger[], env: CatalogEnv): Promise<Package[]> {
  const packages: Package[] = [];
  for (const cataloger of catalogers) packages.push(...(await cataloger.catalog(env)));
  return packages;
}

/** Read the in-toto statements of the attestation manifests that point at the image. */
async function readAttestations(image: ResolvedImage): Promise<AttestationStatement[]> {
  const statements: AttestationStatement[] = [];
  for (const descriptor of image.attestationManifests) {
    const fetched = await image.store.getManifest({ descriptor });
    const doc = parseJsonObject(fetched.bytes, `attestation manifest ${descriptor.digest}`);
    const layers = Array.isArray(doc.layers) ? doc.layers.map((l, i) => parseDescriptor(l, `attestation manifest ${descriptor.digest}, layers[${i}]`)) : [];
    for (const layer of layers.filter(isStatementLayer)) {
      statements.push(...parseAttestationLayer(await image.store.readBlob(layer, MAX_ATTESTATION_BYTES), layer));
    }
  }
  return statements;
}

function emptyMetadata(reference: string, source: ImageMetadata['source']): ImageMetadata {
  return {
    reference,
    source,
    id: null,
    digest: null,
    manifestMediaType: null,
    indexDigest: null,
    created: null,
    architecture: null,
    variant: null,
    os: null,
    osRelease: null,
    ports: [],
    env: [],
    labels: {},
    user: null,
    entrypoint: null,
    cmd: null,
    workingDir: null,
    stopSignal: null,
    layers: [],
    history: [],
    size: 0,
    registry: null,
    provenance: null,
    sbomAttestations: [],
  };
}
