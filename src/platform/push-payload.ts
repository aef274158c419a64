// What a push sends, from an analysis: the analysis options a push runs with (every default cataloger and the
// secret scan), and the payload built from its result. `sextant push` and the server's registry-analysis job share it.
import type { Analysis, AnalyzeOptions } from '../analyze/analyze.ts';
import { defaultCatalogerSet } from '../catalog/default-catalogers.ts';
import { assembleSbom } from '../sbom/assemble.ts';
import type { PushPayload } from './model.ts';

/** The analysis options of a push: every default cataloger (loaded lazily), and secrets. */
export const PUSH_ANALYSIS: Pick<AnalyzeOptions, 'catalogers' | 'secrets'> = { catalogers: defaultCatalogerSet, secrets: true };

/**
 * The push payload of `analysis` (run with PUSH_ANALYSIS): the SBOM assembled by Sextant `toolVersion`, the secret
 * findings (previews only, never the secret, as `sextant secrets` prints them), and the environment when given.
 */
export function pushPayloadOf(analysis: Analysis, toolVersion: string, environment?: string): PushPayload {
  const sbom = assembleSbom(analysis.metadata, analysis.packages, toolVersion);
  return { sbom, secrets: analysis.secrets, ...(environment !== undefined ? { environment } : {}) };
}
