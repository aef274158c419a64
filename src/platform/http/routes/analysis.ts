// Local analysis: package URLs and layer digests in, findings and the base-image match out. Nothing of the request
// is stored, and the route is marked private so no log line carries its content.
import type { LocalAnalysisPayload as LocalAnalysisPayloadModel } from '../../model.ts';
import { BODY_LIMITS, type ApiInstance, type RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { AUTH_ERRORS, AnalysisAnswer, ErrorBody, LocalAnalysisPayload } from '../schemas.ts';

/** Add the local-analysis route. */
export function registerAnalysisRoutes(app: ApiInstance, { service }: RouteDeps): void {
  app.post(
    '/api/v1/analysis',
    {
      bodyLimit: BODY_LIMITS.analysis,
      config: { scope: 'read', private: true },
      schema: {
        tags: ['analysis'],
        summary: 'Analyse package URLs and layer digests without storing anything',
        description: 'Answers with findings and the base-image match; image.digest is null and image.reference empty. Nothing of the request is persisted or logged. At most 16 MiB.',
        body: LocalAnalysisPayload,
        response: { 200: AnalysisAnswer, ...AUTH_ERRORS, 413: ErrorBody },
      },
    },
    async (request) => service.analyseLocal(principalOf(request), request.body as LocalAnalysisPayloadModel),
  );
}
