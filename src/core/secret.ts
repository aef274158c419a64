// The secret model: a leaked credential found in an image, where it was found, and a redacted preview of it.

/** How bad a leak of this kind of secret is. */
export type SecretSeverity = 'critical' | 'high' | 'medium' | 'low';

/**
 * Where a secret was found: a file of the squashed view (and the diffID of the layer that wrote it, null for a
 * root filesystem), an environment variable, a label, or a history entry (its index in the config's history).
 */
export type SecretLocation = { path: string; layer: string | null } | { env: string } | { label: string } | { history: number };

/** One secret found. The secret itself is never kept: only the first 4 characters, in `preview`. */
export interface SecretFinding {
  /** The rule's stable id, e.g. `github-token`. */
  rule: string;
  severity: SecretSeverity;
  /** The rule's title for people, e.g. `GitHub token`. */
  title: string;
  location: SecretLocation;
  /** 1-based line in the file or text the secret was found in; absent for single-line values (env, labels). */
  line?: number;
  /** The first 4 characters of the secret, then `*****`. */
  preview: string;
}
