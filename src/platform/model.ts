// The platform's own model: organisations and their API tokens, stored images and what was pushed with them,
// base-image matches, environments, and the payloads the CLI and the server exchange (docs/api.md).
import type { SecretFinding } from '../core/secret.ts';
import type { Sbom } from '../core/sbom.ts';
import type { Finding } from '../match/matcher.ts';

/** What a token may do: read, push images (and record environments), or administer the org. */
export type TokenScope = 'read' | 'push' | 'admin';

export interface Org {
  id: string;
  name: string;
  createdAt: string;
}

/** A token as the store describes it: never the secret itself, which is stored only as a hash. */
export interface TokenInfo {
  id: string;
  orgId: string;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** What an authenticated request acts as. */
export interface Principal {
  orgId: string;
  tokenId: string;
  scopes: TokenScope[];
}

/** `POST /api/v1/images`: what `sextant push` sends. */
export interface PushPayload {
  /** The full SBOM (`sbom --format json`): image metadata with provenance, packages with every field, relationships. */
  sbom: Sbom;
  /** Secret findings, redacted as `sextant secrets` prints them. */
  secrets: SecretFinding[];
  /** Record the image as running in this environment (optional). */
  environment?: string;
}

/**
 * `POST /api/v1/analysis`: what a local analysis sends. Only package URLs and layer digests: the server answers
 * from them and keeps nothing.
 */
export interface LocalAnalysisPayload {
  schema: 'sextant-local-analysis/1';
  /** The image's layers, base first, by diffID. */
  layers: string[];
  /** Each package's purl and the diffIDs of the layers that introduced it. */
  packages: { purl: string; layers: string[] }[];
}

/** An image the base detection can name: an org's stored image or a public catalog entry. */
export interface BaseCandidate {
  source: 'org' | 'catalog';
  /** `name:tag` for catalog entries, the stored reference for org images. */
  reference: string;
  /** Manifest digest, when known. */
  digest: string | null;
  /** Its whole layer chain, by diffID. */
  layers: string[];
}

/** The base image of an image: the candidate whose whole chain is the longest prefix of the image's chain. */
export interface BaseMatch {
  base: (BaseCandidate & { sharedLayers: number }) | null;
  /** The base image the provenance attestation names, when it names one. */
  provenance: string | null;
  /** Whether the two agree (same repository, and same digest when both have one); null when either is missing. */
  agrees: boolean | null;
}

/** A stored image, as lists show it. */
export interface ImageSummary {
  digest: string;
  reference: string;
  repository: string | null;
  tag: string | null;
  created: string | null;
  pushedAt: string;
  os: string | null;
  architecture: string | null;
  packageCount: number;
  /** Open findings by severity rating. */
  vulnerabilities: Record<string, number>;
  environments: string[];
}

/** What a push (or a local analysis) is answered with. */
export interface AnalysisAnswer {
  image: { digest: string | null; reference: string };
  findings: Finding[];
  base: BaseMatch;
  /** The advisory database the findings came from (its digest). */
  database: string;
}
