// Environment routes: what runs where (full snapshots from agents, one workload at a time from people) and the
// history of changes.
import { Type } from 'typebox';
import type { Deployment as DeploymentModel } from '../../store/platform-store.ts';
import { BODY_LIMITS, type ApiInstance, type RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { notFound } from '../errors.ts';
import { AUTH_ERRORS, Deployment, DeploymentChanges, Digest, EnvironmentEvent, EnvironmentParams, ErrorBody, Nullable } from '../schemas.ts';

/** Add the environment routes. */
export function registerEnvironmentRoutes(app: ApiInstance, { store }: RouteDeps): void {
  app.get(
    '/api/v1/environments',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['environments'],
        summary: "The org's environments and what runs in each",
        response: { 200: Type.Object({ environments: Type.Array(Type.Object({ name: Type.String(), deployments: Type.Array(Deployment) })) }), ...AUTH_ERRORS },
      },
    },
    async (request) => ({ environments: await store.environments(principalOf(request).orgId) }),
  );

  app.put(
    '/api/v1/environments/:name/deployments',
    {
      bodyLimit: BODY_LIMITS.bulk,
      config: { scope: 'push' },
      schema: {
        tags: ['environments'],
        summary: 'Replace what runs in the environment with this full snapshot; differences become history events',
        params: EnvironmentParams,
        body: Type.Object({ deployments: Type.Array(Deployment, { maxItems: 100_000 }) }),
        response: { 200: DeploymentChanges, ...AUTH_ERRORS },
      },
    },
    async (request) => store.recordDeployments(principalOf(request).orgId, request.params.name, request.body.deployments),
  );

  app.post(
    '/api/v1/environments/:name/images',
    {
      config: { scope: 'push' },
      schema: {
        tags: ['environments'],
        summary: 'Record one workload as running this image digest in the environment (`sextant environment record`)',
        description: 'The workload defaults to the image’s repository when the org has the image stored, else to the digest; its type to "manual". Other workloads of the environment stay as they are.',
        params: EnvironmentParams,
        body: Type.Object({
          digest: Digest,
          workload: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
          namespace: Type.Optional(Nullable(Type.String({ maxLength: 253 }))),
          workloadType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        }),
        response: { 200: DeploymentChanges, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { orgId } = principalOf(request);
      const { digest } = request.body;
      const namespace = request.body.namespace ?? null;
      const workload = request.body.workload ?? (await store.getImage(orgId, digest))?.summary.repository ?? digest;
      const deployment: DeploymentModel = { namespace, workload, workloadType: request.body.workloadType ?? 'manual', digest };
      return store.recordDeployment(orgId, request.params.name, deployment);
    },
  );

  app.get(
    '/api/v1/environments/:name/history',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['environments'],
        summary: 'Every change recorded in the environment, oldest first',
        params: EnvironmentParams,
        response: { 200: Type.Object({ events: Type.Array(EnvironmentEvent) }), ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const events = await store.environmentHistory(principalOf(request).orgId, request.params.name);
      if (events.length === 0) throw notFound(`environment ${request.params.name}`);
      return { events };
    },
  );
}
