// Job routes: analysing a registry image on the server (queued as a job, answered at once with its id), and
// reading a job's state.
import { Type } from 'typebox';
import { type AnalyzeImagePayload, registryReferenceError } from '../../jobs/handlers.ts';
import type { ApiInstance, RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { ApiError, notFound } from '../errors.ts';
import { AUTH_ERRORS, EnvironmentName, ErrorBody, Nullable } from '../schemas.ts';

const JobState = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  state: Type.Enum(['queued', 'running', 'done', 'failed']),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runAt: Type.String({ description: 'not before this time (the next attempt, after a failure)' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  error: Nullable(Type.String({ description: 'why the last attempt failed' })),
  digest: Nullable(Type.String({ description: 'an analysis: the manifest digest of the image stored' })),
  result: Type.Unknown({ description: 'what the job returned, once done' }),
});

/** Add the job routes. */
export function registerJobRoutes(app: ApiInstance, { store, jobs }: RouteDeps): void {
  app.post(
    '/api/v1/images/analyze',
    {
      config: { scope: 'push' },
      schema: {
        tags: ['images'],
        summary: 'Analyse a registry image on the server and store it for the org, as a job; answers at once with its id',
        description: 'The server pulls the image with its own registry credentials (its environment and Docker config), analyses it as `sextant push` does and stores it. Follow the job at GET /api/v1/jobs/{id}.',
        body: Type.Object(
          {
            reference: Type.String({ minLength: 1, maxLength: 1000, description: 'registry://HOST/REPO[:TAG|@DIGEST] or NAME[:TAG]' }),
            platform: Type.Optional(Type.String({ pattern: '^[a-z0-9]+/[a-z0-9]+(/[a-z0-9]+)?$', description: 'os/arch[/variant] to pick from a multi-platform image' })),
            environment: Type.Optional(EnvironmentName),
          },
          { additionalProperties: false },
        ),
        response: { 202: Type.Object({ job: Type.String() }), ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const refused = registryReferenceError(request.body.reference);
      if (refused) throw new ApiError(400, 'INVALID_REQUEST', refused);
      const payload: AnalyzeImagePayload = { reference: request.body.reference, ...(request.body.platform ? { platform: request.body.platform } : {}), ...(request.body.environment ? { environment: request.body.environment } : {}) };
      const job = await jobs.add('analyze-registry-image', payload, { orgId: principalOf(request).orgId });
      return reply.code(202).send({ job });
    },
  );

  app.get(
    '/api/v1/jobs/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['jobs'],
        summary: "One of the org's jobs: its state (queued, running, done, failed), attempts, last error and result",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: JobState, ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const job = await store.getJob(principalOf(request).orgId, request.params.id);
      if (!job) throw notFound(`job ${request.params.id}`);
      const digest = (job.result as { digest?: unknown } | null)?.digest;
      return {
        id: job.id,
        kind: job.kind,
        state: job.state,
        attempts: job.attempts,
        maxAttempts: job.maxAttempts,
        runAt: job.runAt,
        createdAt: job.createdAt,
        updatedAt: job.updatedAt,
        error: job.error,
        digest: typeof digest === 'string' ? digest : null,
        result: job.result,
      };
    },
  );
}
