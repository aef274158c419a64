// BuildKit attestations: attestation manifests in an index, in-toto statements (bare or DSSE), SLSA provenance, SPDX SBOMs.
import type { AttestationStatement, Descriptor, Material, Provenance, VcsInfo } from '../core/model.ts';
import { SextantError } from '../core/errors.ts';
import { finalFrom, parseDockerfileStages } from './dockerfile.ts';
import { obj, str as anyStr, stringMap } from './json.ts';
import { IN_TOTO } from './media-types.ts';
import { type ImageName, parseImageName } from './reference.ts';

/** Index annotation BuildKit sets on an attestation manifest; its value is `attestation-manifest`. */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
/** Index annotation naming the digest of the image manifest an attestation manifest attests. */
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
/** Layer annotation repeating the statement's predicate type, so readers can skip layers they do not want. */
export const PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';

/** Predicate type of SLSA provenance v0.2. */
export const SLSA_PROVENANCE_V02 = 'https://slsa.dev/provenance/v0.2';
/** Predicate type of SLSA provenance v1. */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** Predicate type of SPDX documents; producers may append a version (`/v2.3`). */
export const SPDX_DOCUMENT = 'https://spdx.dev/Document';

const STATEMENT_TYPE_PREFIX = 'https://in-toto.io/Statement/';
// BuildKit's provenance extension key: v0.2 always, and v1 before BuildKit renamed it to `buildkit_metadata`.
const BUILDKIT_METADATA_URI_KEY = 'https://mobyproject.org/buildkit@v1#metadata';
const BUILDKIT_METADATA_V1_KEY = 'buildkit_metadata';
// Images that are Dockerfile frontends (`# syntax=`), not build inputs; BuildKit still lists them as materials.
const FRONTEND_REPOSITORIES = new Set(['docker.io/docker/dockerfile', 'docker.io/docker/dockerfile-upstream']);

/** True for an attestation-manifest layer that can hold in-toto statements (bare or in a DSSE envelope). */
export function isStatementLayer(layer: Descriptor): boolean {
  return /in-toto|dsse/i.test(layer.mediaType);
}

/** True when an image-index entry is a BuildKit attestation manifest rather than a runnable image. */
export function isAttestationManifest(descriptor: Descriptor): boolean {
  return descriptor.annotations?.[REFERENCE_TYPE_ANNOTATION] === 'attestation-manifest';
}

/** Digest of the image manifest an attestation manifest attests, or null when it is not one or does not say. */
export function attestedManifestDigest(descriptor: Descriptor): string | null {
  if (!isAttestationManifest(descriptor)) return null;
  return descriptor.annotations?.[REFERENCE_DIGEST_ANNOTATION] ?? null;
}

/**
 * The in-toto statements in one attestation layer. The content is a Statement (v0.1 or v1), a DSSE envelope around
 * one (signatures are not verified here), or JSON Lines of either. Layers of media types that carry neither
 * in-toto nor DSSE content give no statements, as the attestation storage format asks readers to ignore them.
 * Throws CORRUPT, naming the layer digest, for malformed JSON, base64 or statement structure.
 */
export function parseAttestationLayer(bytes: Buffer, layer: Descriptor): AttestationStatement[] {
  if (!isStatementLayer(layer)) return [];
  const text = bytes.toString('utf8');
  let documents: unknown[];
  try {
    documents = [JSON.parse(text)];
  } catch (err) {
    // JSON Lines (`.intoto.jsonl` bundles) hold one statement or envelope per line; anything else is broken JSON.
    const lines = jsonLines(text);
    if (!lines) throw corrupt(layer, `is not valid JSON: ${(err as Error).message}`, err);
    documents = lines;
  }
  const out: AttestationStatement[] = [];
  for (const doc of documents) {
    const statement = statementFrom(doc, layer);
    if (statement) out.push(statement);
  }
  return out;
}

/**
 * Build provenance from the first SLSA provenance statement (v0.2 or v1), or null when there is none.
 * Reads BuildKit's extensions: VCS hints, the Dockerfile source (mode=max) and the frontend arguments.
 */
export function provenanceFrom(statements: readonly AttestationStatement[]): Provenance | null {
  for (const statement of statements) {
    const predicate = obj(statement.predicate);
    if (!predicate) continue;
    const type = statement.predicateType;
    if (type === SLSA_PROVENANCE_V02 || type.startsWith(`${SLSA_PROVENANCE_V02}/`)) {
      return mapProvenance(type, readV02(predicate));
    }
    if (type === SLSA_PROVENANCE_V1 || /^https:\/\/slsa\.dev\/provenance\/v1(\.\d+)?$/.test(type)) {
      return mapProvenance(type, readV1(predicate));
    }
  }
  return null;
}

/** The SPDX SBOM statements (`https://spdx.dev/Document`, with or without a version suffix), kept as they are. */
export function sbomStatementsFrom(statements: readonly AttestationStatement[]): AttestationStatement[] {
  return statements.filter((s) => s.predicateType === SPDX_DOCUMENT || s.predicateType.startsWith(`${SPDX_DOCUMENT}/`));
}

// ---------------------------------------------------------------------------------------------------------------
// Statements and envelopes

function jsonLines(text: string): unknown[] | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return null;
  const out: unknown[] = [];
  for (const line of lines) {
    try {
      out.push(JSON.parse(line));
    } catch {
      return null;
    }
  }
  return out;
}

function statementFrom(doc: unknown, layer: Descriptor): AttestationStatement | null {
  const o = obj(doc);
  if (!o) throw corrupt(layer, 'is not a JSON object');
  if (typeof o.payloadType === 'string' || typeof o.payload === 'string') {
    // A DSSE envelope whose payload is something other than in-toto is content we do not read.
    if (o.payloadType !== IN_TOTO) return null;
    if (typeof o.payload !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(o.payload.trim())) {
      throw corrupt(layer, 'holds a DSSE envelope whose payload is not base64');
    }
    let inner: unknown;
    try {
      inner = JSON.parse(Buffer.from(o.payload.trim(), 'base64').toString('utf8'));
    } catch (err) {
      throw corrupt(layer, `holds a DSSE envelope whose payload is not valid JSON: ${(err as Error).message}`, err);
    }
    const innerObj = obj(inner);
    if (!innerObj) throw corrupt(layer, 'holds a DSSE envelope whose payload is not a JSON object');
    return toStatement(innerObj, layer);
  }
  return toStatement(o, layer);
}

function toStatement(o: Record<string, unknown>, layer: Descriptor): AttestationStatement {
  if (typeof o._type !== 'string' || !o._type.startsWith(STATEMENT_TYPE_PREFIX)) {
    throw corrupt(layer, 'is not an in-toto statement (no https://in-toto.io/Statement/ _type)');
  }
  if (typeof o.predicateType !== 'string' || o.predicateType === '') {
    throw corrupt(layer, 'holds an in-toto statement without a predicateType');
  }
  if (o.subject !== undefined && !Array.isArray(o.subject)) {
    throw corrupt(layer, 'holds an in-toto statement whose subject is not an array');
  }
  const subject: AttestationStatement['subject'] = [];
  for (const s of (o.subject as unknown[] | undefined) ?? []) {
    const so = obj(s);
    if (!so) continue;
    subject.push({ name: typeof so.name === 'string' ? so.name : '', digest: stringMap(so.digest) });
  }
  return { predicateType: o.predicateType, subject, predicate: o.predicate ?? null, layerDigest: layer.digest };
}

function corrupt(layer: Descriptor, what: string, cause?: unknown): SextantError {
  return new SextantError('CORRUPT', `attestation layer ${layer.digest} ${what}`, cause === undefined ? undefined : { cause });
}

// ---------------------------------------------------------------------------------------------------------------
// SLSA provenance, both versions read into one shape

interface RawProvenance {
  builderId: string | null;
  buildType: string | null;
  materials: Material[];
  configSource: { uri: string | null; digest: Record<string, string>; path: string | null };
  args: Record<string, string>;
  buildkit: Record<string, unknown> | null;
}

function readV02(p: Record<string, unknown>): RawProvenance {
  const invocation = obj(p.invocation);
  const configSource = obj(invocation?.configSource);
  return {
    builderId: str(obj(p.builder)?.id),
    buildType: str(p.buildType),
    materials: readMaterials(p.materials),
    configSource: {
      uri: str(configSource?.uri),
      digest: stringMap(configSource?.digest),
      path: str(configSource?.entryPoint),
    },
    args: stringMap(obj(invocation?.parameters)?.args),
    buildkit: obj(obj(p.metadata)?.[BUILDKIT_METADATA_URI_KEY]),
  };
}

function readV1(p: Record<string, unknown>): RawProvenance {
  const definition = obj(p.buildDefinition);
  const external = obj(definition?.externalParameters);
  const configSource = obj(external?.configSource);
  // `request` is the released field name; early v1 support in BuildKit called it `parameters`.
  const request = obj(external?.request) ?? obj(external?.parameters);
  const runDetails = obj(p.runDetails);
  const metadata = obj(runDetails?.metadata);
  return {
    builderId: str(obj(runDetails?.builder)?.id),
    buildType: str(definition?.buildType),
    materials: readMaterials(definition?.resolvedDependencies),
    configSource: {
      uri: str(configSource?.uri),
      digest: stringMap(configSource?.digest),
      path: str(configSource?.path),
    },
    args: stringMap(request?.args),
    buildkit: obj(metadata?.[BUILDKIT_METADATA_V1_KEY]) ?? obj(metadata?.[BUILDKIT_METADATA_URI_KEY]),
  };
}

function readMaterials(v: unknown): Material[] {
  if (!Array.isArray(v)) return [];
  const out: Material[] = [];
  for (const m of v) {
    const mo = obj(m);
    const uri = str(mo?.uri);
    if (mo && uri) out.push({ uri, digest: stringMap(mo.digest) });
  }
  return out;
}

function mapProvenance(predicateType: string, raw: RawProvenance): Provenance {
  const dockerfilePath = raw.configSource.path ?? (raw.args.filename || null);
  const dockerfile = dockerfileText(raw.buildkit, dockerfilePath);
  return {
    predicateType,
    builderId: raw.builderId,
    buildType: raw.buildType,
    materials: raw.materials,
    baseImage: baseImage(raw, dockerfile),
    vcs: vcsOf(raw),
    dockerfile,
    dockerfilePath,
  };
}

/**
 * BuildKit's `vcs` metadata (from the client's `vcs:source` / `vcs:revision` options) is preferred: for a local
 * context it is the only record of the repository. Without it, a git context or git material with its commit says it.
 */
function vcsOf(raw: RawProvenance): VcsInfo {
  const vcs = stringMap(raw.buildkit?.vcs);
  if (vcs.source || vcs.revision) return { source: vcs.source || null, revision: vcs.revision || null };
  // BuildKit moves `vcs:*` out of the frontend args, but other producers may leave them there.
  const argSource = raw.args['vcs:source'];
  const argRevision = raw.args['vcs:revision'];
  if (argSource || argRevision) return { source: argSource || null, revision: argRevision || null };
  const { uri, digest } = raw.configSource;
  if (uri && digest.sha1) return { source: stripFragment(uri), revision: digest.sha1 };
  const git = raw.materials.find((m) => !m.uri.startsWith('pkg:') && m.digest.sha1);
  if (git) return { source: stripFragment(git.uri), revision: git.digest.sha1 ?? null };
  return { source: null, revision: null };
}

// Git context URLs carry the ref and subdirectory in the fragment (`repo.git#main:dir`); the repository is before it.
function stripFragment(uri: string): string {
  const hash = uri.indexOf('#');
  return hash >= 0 ? uri.slice(0, hash) : uri;
}

/**
 * The Dockerfile among BuildKit's source infos (mode=max): the one named like the configured Dockerfile path,
 * else the one whose language is Dockerfile, else one called `Dockerfile`. Its data is base64 (Go's []byte).
 */
function dockerfileText(buildkit: Record<string, unknown> | null, dockerfilePath: string | null): string | null {
  const infos = obj(buildkit?.source)?.infos;
  if (!Array.isArray(infos)) return null;
  const candidates = infos.map(obj).filter((i): i is Record<string, unknown> => i !== null && typeof i.data === 'string');
  const wanted = dockerfilePath ?? 'Dockerfile';
  const byName = (name: string) => (i: Record<string, unknown>) => {
    const filename = str(i.filename);
    return filename !== null && (filename === name || basename(filename) === basename(name));
  };
  const chosen =
    candidates.find(byName(wanted)) ??
    candidates.find((i) => str(i.language)?.toLowerCase() === 'dockerfile') ??
    candidates.find(byName('Dockerfile'));
  return chosen ? Buffer.from(chosen.data as string, 'base64').toString('utf8') : null;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Base image: the FROM of the stage that was built, matched to the docker materials

interface DockerMaterial {
  image: ImageName;
  material: Material;
}

function baseImage(raw: RawProvenance, dockerfile: string | null): string | null {
  const frontendImages = new Set<string>();
  const source = raw.args.source ? parseImageName(raw.args.source) : null;
  if (source) frontendImages.add(source.name);
  const parsed = dockerfile === null ? null : parseDockerfileStages(dockerfile);
  const syntax = parsed?.syntax ? parseImageName(parsed.syntax) : null;
  if (syntax) frontendImages.add(syntax.name);

  const candidates: DockerMaterial[] = [];
  for (const material of raw.materials) {
    const image = purlToImageName(material.uri);
    if (image && !frontendImages.has(image.name) && !FRONTEND_REPOSITORIES.has(image.name)) candidates.push({ image, material });
  }

  if (parsed) {
    const from = finalFrom(parsed, raw.args);
    if (from === 'scratch') return null;
    if (from) {
      const match =
        candidates.find((c) => c.image.name === from.name && from.digest !== null && digestOf(c) === from.digest) ??
        candidates.find((c) => c.image.name === from.name && (from.tag === null || c.image.tag === from.tag)) ??
        candidates.find((c) => c.image.name === from.name);
      if (match) return formatImage(match);
    }
  }
  const first = candidates[0];
  return first ? formatImage(first) : null;
}

function digestOf(c: DockerMaterial): string | null {
  const sha256 = c.material.digest.sha256;
  return sha256 ? `sha256:${sha256}` : c.image.digest;
}

function formatImage(c: DockerMaterial): string {
  const digest = digestOf(c);
  const tag = c.image.tag ?? (digest ? null : 'latest');
  return `${c.image.name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/**
 * A docker package URL (`pkg:docker/[namespace/]name[@version][?digest=…&platform=…]`) as an image name. BuildKit
 * writes Docker Hub names in their short form (`alpine`, `user/app`), other registries with their host first.
 */
function purlToImageName(purl: string): ImageName | null {
  const m = /^pkg:docker\/([^?#]+?)(?:@([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/i.exec(purl);
  if (!m?.[1]) return null;
  let path: string;
  let version: string | null;
  try {
    path = m[1].split('/').map(decodeURIComponent).join('/');
    version = m[2] ? decodeURIComponent(m[2]) : null;
  } catch {
    return null;
  }
  const qualifiers = new URLSearchParams(m[3] ?? '');
  let digest = qualifiers.get('digest');
  let tag: string | null = null;
  if (version && /^[a-z0-9]+:[a-f0-9]{32,}$/i.test(version)) digest ??= version;
  else tag = version;
  const image = parseImageName(path);
  if (!image) return null;
  if (digest !== null && !/^[a-z0-9]+:[a-f0-9]{32,}$/i.test(digest)) digest = null;
  return { name: image.name, tag, digest };
}

/** A string field, with empty strings read as absent (provenance writers leave empty fields in). */
function str(v: unknown): string | null {
  return anyStr(v) || null;
}
