// Findings taken out of the results by a VEX statement or an ignore-file entry: kept with the reason, so that
// they are counted and can be listed, never silently dropped.
import type { Finding } from './matcher.ts';

/** The ignore file read from the current directory when no other is named. */
export const DEFAULT_IGNORE_FILE = '.sextant-ignore.yaml';

/** Why a finding was suppressed. */
export type SuppressionReason =
  | {
      kind: 'vex';
      /** The vulnerability as the statement names it (its name; it matched the finding by name or alias). */
      vulnerability: string;
      /** OpenVEX status that suppresses: the product is not affected, or the vulnerability is fixed in it. */
      status: 'not_affected' | 'fixed';
      /** OpenVEX justification (`vulnerable_code_not_present`, …) when given. */
      justification: string | null;
      /** impact_statement or action_statement when given. */
      statement: string | null;
      /** The VEX document's file path, and its `@id` when it has one. */
      document: string;
      documentId: string | null;
      /** The statement's timestamp (else its document's), as written. */
      timestamp: string | null;
    }
  | {
      kind: 'ignore';
      /** The entry's id and package URL, as written. */
      id: string;
      purl: string | null;
      /** The ignore-file entry's reason, when given. */
      reason: string | null;
      /** YYYY-MM-DD after which the entry no longer applies, when given. */
      expires: string | null;
      /** The ignore file it came from. */
      file: string;
    };

/** A finding and what suppressed it. */
export interface SuppressedFinding {
  finding: Finding;
  reason: SuppressionReason;
}
