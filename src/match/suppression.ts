// Findings taken out of the results by a VEX statement or an ignore-file entry: kept with the reason, so that
// they are counted and can be listed, never silently dropped.
import type { Finding } from './matcher.ts';

/** Why a finding was suppressed. */
export type SuppressionReason =
  | {
      kind: 'vex';
      /** OpenVEX status that suppresses: the product is not affected, or the vulnerability is fixed in it. */
      status: 'not_affected' | 'fixed';
      /** OpenVEX justification (`vulnerable_code_not_present`, …) when given. */
      justification: string | null;
      /** impact_statement or action_statement when given. */
      statement: string | null;
      /** The VEX document (file path, and `@id` when it has one). */
      document: string;
    }
  | {
      kind: 'ignore';
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
