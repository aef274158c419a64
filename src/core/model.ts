// The data model Sextant's image side speaks: references, descriptors, platforms, layers and image metadata.

/** A parsed image reference: which kind of source, and where. */
export type ImageRef =
  | { kind: 'archive'; path: string; original: string }
  | { kind: 'oci-dir'; path: string; tag: string | null; original: string }
  | {
      kind: 'registry';
      /** Registry host as used on the wire, with port when given (`docker.io` is kept as the canonical name). */
      registry: string;
      repository: string;
      tag: string | null;
      digest: string | null;
      original: string;
    }
  | { kind: 'fs'; path: string; original: string }
  /** A CycloneDX or SPDX JSON SBOM (or an in-toto statement holding one) standing in for the image. */
  | { kind: 'sbom'; path: string; original: string };

/** An OCI content descriptor (also used for Docker schema 2 media types). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
}

/** OS / architecture / variant triple, as in OCI image indexes and configs. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

/** One filesystem layer of an image, in order. */
export interface LayerInfo {
  /** Digest of the blob as stored (compressed when the layer is compressed). */
  digest: string;
  /** Digest of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffId: string;
  /** Size in bytes of the blob as stored. */
  size: number;
  mediaType: string;
  /** The `created_by` of the history entry that produced this layer, when recorded. */
  createdBy: string | null;
  /** The `created` time of that history entry, when recorded. */
  created: string | null;
  /** What the layer did to the filesystem below it: paths added, changed (rewritten) and removed. Null for a root filesystem. */
  changes: { added: number; changed: number; removed: number } | null;
}

/** One entry of the config's history, including the entries that made no layer. */
export interface HistoryEntry {
  created: string | null;
  createdBy: string | null;
  comment: string | null;
  emptyLayer: boolean;
}

/** Fields of os-release that identify a distribution. */
export interface OsRelease {
  id: string | null;
  versionId: string | null;
  prettyName: string | null;
  name: string | null;
  versionCodename: string | null;
  idLike: string[];
  /** Path in the image the values were read from. */
  path: string;
}

/** Known registry families, by host. */
export type RegistryType = 'dockerhub' | 'ghcr' | 'ecr' | 'gcr' | 'acr' | 'quay' | 'harbor' | 'other';

/** Where an image came from when it came from a registry. */
export interface RegistryInfo {
  /** Base URL of the registry API host, e.g. `https://registry-1.docker.io` (Docker Hub's API host). */
  url: string;
  type: RegistryType;
  repository: string;
  tag: string | null;
}

/** A source repository and revision named by provenance. */
export interface VcsInfo {
  source: string | null;
  revision: string | null;
}

/** A build input named by provenance (base images, git sources, downloaded files). */
export interface Material {
  uri: string;
  digest: Record<string, string>;
}

/** Build provenance read from an SLSA attestation. */
export interface Provenance {
  predicateType: string;
  builderId: string | null;
  buildType: string | null;
  materials: Material[];
  /** The image the build started FROM, as named by the provenance, when it can be told. */
  baseImage: string | null;
  vcs: VcsInfo;
  /** Dockerfile text when the provenance carries it (BuildKit `mode=max`). */
  dockerfile: string | null;
  /** Path of the Dockerfile in the build context, when named. */
  dockerfilePath: string | null;
}

/** An in-toto statement found in an attestation manifest, kept as is. */
export interface AttestationStatement {
  predicateType: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicate: unknown;
  /** Digest of the attestation layer the statement came from. */
  layerDigest: string;
}

/** Everything `sextant inspect` reports about an image. This is the documented JSON contract (docs/cli.md). */
export interface ImageMetadata {
  /** Reference as given by the user. */
  reference: string;
  source: ImageRef['kind'];
  /** Image ID: the digest of the config blob. Null for a root filesystem. */
  id: string | null;
  /** Digest of the image manifest (see docs/cli.md for `docker save` archives). Null for a root filesystem. */
  digest: string | null;
  manifestMediaType: string | null;
  /** Digest of the index or manifest list the manifest was picked from, when there was one. */
  indexDigest: string | null;
  created: string | null;
  architecture: string | null;
  variant: string | null;
  os: string | null;
  osRelease: OsRelease | null;
  ports: string[];
  env: { name: string; value: string }[];
  labels: Record<string, string>;
  user: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  stopSignal: string | null;
  /** Ordered layers, base first. */
  layers: LayerInfo[];
  history: HistoryEntry[];
  /** Sum of the stored layer sizes. */
  size: number;
  registry: RegistryInfo | null;
  provenance: Provenance | null;
  /** SPDX SBOM attestations, kept for the SBOM stage. */
  sbomAttestations: AttestationStatement[];
}
