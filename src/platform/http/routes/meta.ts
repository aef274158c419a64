// Meta routes: health (the one route without a token) and the OpenAPI document generated from the route schemas.
import { Type } from 'typebox';
import type { ApiInstance, RouteDeps } from '../api-instance.ts';
import { AUTH_ERRORS } from '../schemas.ts';

/** Add the meta routes. */
export function registerMetaRoutes(app: ApiInstance, { version }: RouteDeps): void {
  app.get(
    '/api/v1/health',
    {
      config: { scope: 'none', rateLimit: false },
      schema: {
        tags: ['meta'],
        summary: 'Liveness: no token needed',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' as const, version }),
  );

  app.get(
    '/api/v1/openapi.json',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['meta'],
        summary: 'This OpenAPI 3 document',
        response: { 200: Type.Object({ openapi: Type.String() }, { additionalProperties: true }), ...AUTH_ERRORS },
      },
    },
    async () => app.swagger() as { openapi: string },
  );
}
