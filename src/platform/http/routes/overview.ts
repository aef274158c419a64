// The overview route: the org at a glance for the dashboard's home page (counts, trend, new findings, worst
// images, outdated bases), counted in the database.
import type { ApiInstance, RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { AUTH_ERRORS, Overview, OverviewQuery } from '../schemas.ts';

/** Add the overview route. */
export function registerOverviewRoutes(app: ApiInstance, { service }: RouteDeps): void {
  app.get(
    '/api/v1/overview',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['overview'],
        summary: 'The org at a glance: images, environments, open findings and their trend, new findings, worst images, outdated bases',
        querystring: OverviewQuery,
        response: { 200: Overview, ...AUTH_ERRORS },
      },
    },
    async (request) => service.overview(principalOf(request), { days: request.query.days ?? 30 }),
  );
}
