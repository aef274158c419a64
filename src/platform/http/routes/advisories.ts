// Advisory routes: sync from the configured OSV-style source now (with the re-evaluation it causes), and status.
import { Type } from 'typebox';
import type { ApiInstance, RouteDeps } from '../api-instance.ts';
import { AUTH_ERRORS, ErrorBody } from '../schemas.ts';

const SourceUpdate = Type.Object(
  {
    name: Type.String(),
    status: Type.Enum(['updated', 'unchanged', 'unreachable', 'failed']),
    count: Type.Integer(),
    fingerprint: Type.Union([Type.String(), Type.Null()]),
    changes: Type.Optional(Type.Object({ inserted: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() })),
    message: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

/** Add the advisory routes. */
export function registerAdvisoryRoutes(app: ApiInstance, { service }: RouteDeps): void {
  app.post(
    '/api/v1/advisories/sync',
    {
      config: { scope: 'admin' },
      // An empty body means every ecosystem the source lists.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['advisories'],
        summary: 'Update advisories from the server’s source now; answers when the update and re-evaluation are done',
        body: Type.Object({ ecosystems: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 500 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            sources: Type.Array(SourceUpdate),
            reevaluated: Type.Object({ images: Type.Integer(), appeared: Type.Integer(), disappeared: Type.Integer() }, { additionalProperties: true }),
          }),
          ...AUTH_ERRORS,
          502: ErrorBody,
        },
      },
    },
    async (request) => service.syncAdvisories(request.body.ecosystems ? { ecosystems: request.body.ecosystems } : {}),
  );

  app.get(
    '/api/v1/advisories/status',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['advisories'],
        summary: 'The advisory database: counts, last modification, digest and sources (`db status --format json`)',
        response: { 200: Type.Object({ digest: Type.String(), sources: Type.Array(Type.Object({}, { additionalProperties: true })) }, { additionalProperties: true }), ...AUTH_ERRORS },
      },
    },
    async () => (await service.advisoryStatus()) as { digest: string; sources: object[] },
  );
}
