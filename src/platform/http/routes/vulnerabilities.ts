// Vulnerability routes: the org's vulnerabilities (of its open findings) a page at a time, and one vulnerability
// by any of its ids, with the advisories' account of it and where the org has it.
import type { ApiInstance, RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { notFound } from '../errors.ts';
import { AUTH_ERRORS, ErrorBody, VulnerabilityDetail, VulnerabilityListQuery, VulnerabilityPage, VulnerabilityParams } from '../schemas.ts';

/** Add the vulnerability routes. */
export function registerVulnerabilityRoutes(app: ApiInstance, { service }: RouteDeps): void {
  app.get(
    '/api/v1/vulnerabilities',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['vulnerabilities'],
        summary: "The org's vulnerabilities (distinct ids of its open findings), worst first, then most images",
        querystring: VulnerabilityListQuery,
        response: { 200: VulnerabilityPage, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { search, severity, limit, offset } = request.query;
      return service.vulnerabilities(principalOf(request), { ...(search ? { search } : {}), ...(severity ? { severity } : {}), limit: limit ?? 50, offset: offset ?? 0 });
    },
  );

  app.get(
    '/api/v1/vulnerabilities/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['vulnerabilities'],
        summary: "One vulnerability by an advisory id or alias: the advisories' account, exploit data, and the org's images with it open",
        params: VulnerabilityParams,
        response: { 200: VulnerabilityDetail, ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const detail = await service.vulnerability(principalOf(request), request.params.id);
      if (!detail) throw notFound(`vulnerability ${request.params.id}`);
      return detail;
    },
  );
}
