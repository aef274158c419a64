// The handlers of every job kind: analysing a registry image for an org (then pushing it through the service, as
// `sextant push` would), delivering a webhook, the scheduled advisory sync, and the daily pruning of finished jobs
// and deliveries. The analysis code loads on first use.
import type { Analysis } from '../../analyze/analyze.ts';
import { isSextantError } from '../../core/errors.ts';
import { parseReference } from '../../image/reference.ts';
import type { PlatformService } from '../service.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import type { Webhooks } from '../webhooks.ts';
import { type JobHandler, type JobKind, PermanentJobError } from './job-queue.ts';
import { isRetentionDays, MAX_RETENTION_DAYS } from './schedules.ts';

/** The payload of an `analyze-registry-image` job (`POST /api/v1/images/analyze`). */
export interface AnalyzeImagePayload {
  /** `registry://HOST/REPO[:TAG|@DIGEST]` or `NAME[:TAG]`. */
  reference: string;
  /** `os/arch[/variant]` to pick from a multi-platform image; default the server's. */
  platform?: string;
  /** Record the image as running in this environment, as `sextant push --env` does. */
  environment?: string;
}

/** What a finished `analyze-registry-image` job records as its result. */
export interface AnalyzeImageResult {
  digest: string | null;
  reference: string;
  /** False when the org already had the image (it was replaced). */
  created: boolean;
  findings: number;
}

/** The payload of a `prune-history` job (queued daily by `sextant server --retention-days`). */
export interface PruneHistoryPayload {
  /** Finished jobs and deliveries older than this many days go. */
  retentionDays: number;
}

/** What a finished `prune-history` job records as its result. */
export interface PruneHistoryResult {
  /** The cut-off: finished history before it was deleted. */
  before: string;
  jobs: number;
  deliveries: number;
}

export interface JobHandlerDeps {
  service: PlatformService;
  /** The platform store the pruning deletes from. */
  store: Pick<PlatformStore, 'pruneHistory'>;
  webhooks: Webhooks;
  /** Sextant's version, recorded as the SBOM's tool. */
  version: string;
  /** Registry hosts (`host[:port]`) that may be reached over plain HTTP. */
  insecureRegistries?: readonly string[];
  /** Directory of the layer cache analyses use (`layer-cache.sqlite`); null for none. */
  layerCacheDir?: string | null;
}

/** SextantError codes that say the analysis can never succeed as asked: the job fails without retrying. */
const PERMANENT_CODES = new Set(['NOT_FOUND', 'NOT_AN_IMAGE', 'CORRUPT', 'DIGEST_MISMATCH', 'UNSUPPORTED', 'UNKNOWN_PLATFORM', 'UNSAFE_PATH', 'LIMIT_EXCEEDED', 'SYMLINK_LOOP', 'BAD_REFERENCE', 'USAGE', 'AUTH_FAILED', 'FORBIDDEN']);

/**
 * The registry reference of `text`, or a reason it is refused: only registry images may be analysed for the API
 * (archive://, oci-dir://, fs:// and sbom:// would read the server's own files).
 */
export function registryReferenceError(text: string): string | null {
  try {
    const ref = parseReference(text);
    return ref.kind === 'registry' ? null : `only registry images can be analysed by the server (registry://HOST/REPO[:TAG] or NAME[:TAG]), not ${ref.kind} references`;
  } catch (err) {
    return isSextantError(err) ? err.message : String(err);
  }
}

/** The handler of each job kind. */
export function createJobHandlers(deps: JobHandlerDeps): Record<JobKind, JobHandler> {
  const insecure = new Set(deps.insecureRegistries ?? []);
  return {
    'deliver-webhook': async (payload) => {
      const delivery = (payload as { delivery?: unknown } | null)?.delivery;
      if (typeof delivery !== 'string') throw new PermanentJobError('a deliver-webhook job names its delivery');
      return deps.webhooks.deliver(delivery);
    },

    'analyze-registry-image': async (payload, context): Promise<AnalyzeImageResult> => {
      const { reference, platform, environment } = (payload ?? {}) as Partial<AnalyzeImagePayload>;
      if (typeof reference !== 'string') throw new PermanentJobError('an analyze-registry-image job names a reference');
      if (context.orgId === null) throw new PermanentJobError('an image analysis works for an org');
      const refused = registryReferenceError(reference);
      if (refused) throw new PermanentJobError(refused);
      const ref = parseReference(reference);
      const [{ analyzeImage }, { parsePlatform }, { PUSH_ANALYSIS, pushPayloadOf }] = await Promise.all([import('../../analyze/analyze.ts'), import('../../image/platform.ts'), import('../push-payload.ts')]);
      const cache = deps.layerCacheDir ? await openLayerCache(deps.layerCacheDir) : undefined;
      let analysis: Analysis;
      try {
        analysis = await analyzeImage(reference, {
          ...PUSH_ANALYSIS,
          platform: platform ? parsePlatform(platform) : null,
          insecureRegistry: ref.kind === 'registry' && insecure.has(ref.registry),
          ...(cache ? { cache } : {}),
        });
      } catch (err) {
        if (isSextantError(err) && PERMANENT_CODES.has(err.code)) throw new PermanentJobError(err.message, { cause: err });
        throw err;
      } finally {
        cache?.close();
      }
      const pushed = pushPayloadOf(analysis, deps.version, environment);
      const { answer, created } = await deps.service.push({ orgId: context.orgId, tokenId: `job:${context.id}`, scopes: ['push'] }, pushed);
      return { digest: answer.image.digest, reference: answer.image.reference, created, findings: answer.findings.length };
    },

    'sync-advisories': async () => {
      const { sources, reevaluated } = await deps.service.syncAdvisories({});
      return { sources: sources.map((s) => ({ name: s.name, status: s.status, count: s.count })), reevaluated };
    },

    'prune-history': async (payload): Promise<PruneHistoryResult> => {
      const retentionDays = (payload as Partial<PruneHistoryPayload> | null)?.retentionDays;
      if (!isRetentionDays(retentionDays)) throw new PermanentJobError(`a prune-history job names its retention in whole days from 1 to ${MAX_RETENTION_DAYS}`);
      const before = new Date(Date.now() - retentionDays * 86_400_000).toISOString();
      return { before, ...(await deps.store.pruneHistory(before)) };
    },
  };
}

/** The layer cache in `dir`; an analysis goes on without it when it cannot be opened. */
async function openLayerCache(dir: string) {
  const { LayerCache } = await import('../../analyze/layer-cache.ts');
  try {
    return LayerCache.open(dir);
  } catch {
    return undefined;
  }
}
