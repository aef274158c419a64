// The HTTP API (/api/v1): fastify with TypeBox schemas (validation and the OpenAPI document from one source),
// bearer-token auth, per-token rate limits, body limits and one error shape. Built, not listening: see server.ts.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { PlatformService } from '../service.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import { BODY_LIMITS, type ApiInstance, type RouteDeps } from './api-instance.ts';
import { installAuth } from './auth.ts';
import { ApiError, frameworkErrorHandler, installErrorHandling } from './errors.ts';
import { registerAdvisoryRoutes } from './routes/advisories.ts';
import { registerAnalysisRoutes } from './routes/analysis.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import { registerEnvironmentRoutes } from './routes/environments.ts';
import { registerImageRoutes } from './routes/images.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerMetaRoutes } from './routes/meta.ts';
import { registerOverviewRoutes } from './routes/overview.ts';
import { registerTokenRoutes } from './routes/tokens.ts';
import { registerVulnerabilityRoutes } from './routes/vulnerabilities.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { isPageRequest, registerWebApp, sendIndex } from './web-app.ts';

/** Requests per token (or per client address, for requests without a valid token) and window, by default. */
export const DEFAULT_RATE_LIMIT = { max: 6000, timeWindow: 60_000 } as const;

export interface AppOptions {
  store: PlatformStore;
  service: PlatformService;
  /** The job queue registry analyses are added to (run by whichever process runs jobs). */
  jobs: JobQueue;
  /** Sextant's version, reported by the health route and the OpenAPI document. */
  version: string;
  /** fastify's logger (pino options), off by default. Whatever is given, lines carry no bodies or query strings. */
  logger?: boolean | object;
  /** Requests allowed per token in `timeWindow` (milliseconds or a string such as `1 minute`). */
  rateLimit?: { max: number; timeWindow: number | string };
  /** The built dashboard's directory, served at `/` (see web-app.ts); none: the API only. */
  webRoot?: string | null;
}

/**
 * Build the API over `store` and `service`. Call `ready()` (or `inject`, or `listen`) before use. Log lines, when
 * logging is on, name the method, route pattern, status and time only: request URLs can carry search terms and
 * bodies package URLs, and neither may reach a log.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(options.logger ?? false),
    // fastify's own request lines carry URLs; logResponses writes ours instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMITS.default,
    frameworkErrors: frameworkErrorHandler,
    // Path parameters up to the longest the schemas take (digests: 300, vulnerability ids: 200) reach them.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 300 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  const webRoot = options.webRoot ?? null;
  installErrorHandling(app, webRoot ? { isPage: isPageRequest, send: sendIndex } : undefined);
  if (webRoot) registerWebApp(app, webRoot);
  installAuth(app, options.store);
  if (options.logger) logResponses(app);

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Sextant API', version: options.version, description: 'Container image analysis: stored images, findings, base images, environments (docs/api.md).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API token (`sxt_…`)' } } },
      security: [{ bearer: [] }],
    },
  });
  const limit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  void app.register(rateLimit, {
    max: limit.max,
    timeWindow: limit.timeWindow,
    // The auth hook ran first: a valid token is counted as itself, anything else by the client's address.
    keyGenerator: (request) => (request.principal ? `token:${request.principal.tokenId}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => new ApiError(context.statusCode, 'RATE_LIMITED', `rate limit exceeded (${context.max} requests per ${describeWindow(limit.timeWindow)}): retry in ${context.after}`),
  });
  const deps: RouteDeps = { store: options.store, service: options.service, jobs: options.jobs, version: options.version };
  // Registered after the plugins above have loaded, so their onRoute hooks (OpenAPI, rate limits) see every route.
  void app.register(async (api: ApiInstance) => {
    registerMetaRoutes(api, deps);
    registerImageRoutes(api, deps);
    registerAnalysisRoutes(api, deps);
    registerAdvisoryRoutes(api, deps);
    registerCatalogRoutes(api, deps);
    registerEnvironmentRoutes(api, deps);
    registerTokenRoutes(api, deps);
    registerWebhookRoutes(api, deps);
    registerJobRoutes(api, deps);
    registerOverviewRoutes(api, deps);
    registerVulnerabilityRoutes(api, deps);
  });
  return app;
}

function describeWindow(window: number | string): string {
  return typeof window === 'number' ? `${window / 1000} s` : window;
}

/** The logger's options with serializers that keep URLs (query strings) and bodies out of every line. */
function loggerOptions(logger: boolean | object): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const base = typeof logger === 'object' ? (logger as Record<string, unknown>) : {};
  return {
    ...base,
    serializers: {
      ...((base.serializers as object | undefined) ?? {}),
      req: (request: { method?: string; routeOptions?: { url?: string } }) => ({ method: request.method, route: request.routeOptions?.url ?? null }),
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
    },
  };
}

/** One line per answered request: method, route pattern (never the URL), status and milliseconds. */
function logResponses(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, route: request.routeOptions.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });
}
