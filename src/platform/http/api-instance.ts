// What the API's route modules share: the typed fastify instance, their dependencies, and the per-route settings
// (scope, privacy) that the auth and logging hooks read from `config`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Principal, TokenScope } from '../model.ts';
import type { PlatformService } from '../service.ts';
import type { PlatformStore } from '../store/platform-store.ts';

/** The scope a route needs, or `none` for the one public route (health). */
export type RouteScope = TokenScope | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least scope a token needs for this route; routes without one are unknown (404) or public. */
    scope?: RouteScope;
    /** The route's request carries data that must never reach a log line (local analysis: package URLs). */
    private?: boolean;
  }
  interface FastifyRequest {
    /** Who the request acts as; null until authenticated (and on the public route). */
    principal: Principal | null;
  }
}

/** The fastify instance routes are declared on, with TypeBox inference. */
export type ApiInstance = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What the routes work with. */
export interface RouteDeps {
  store: PlatformStore;
  service: PlatformService;
  /** Where long work (registry analyses) is queued. */
  jobs: JobQueue;
  version: string;
}

const MiB = 1024 * 1024;

/** Request body limits (docs/api.md): pushes carry whole SBOMs, bulk routes many entries, the rest a few fields. */
export const BODY_LIMITS = {
  push: 64 * MiB,
  analysis: 16 * MiB,
  /** Catalog additions and environment snapshots (a large cluster's agent report). */
  bulk: 16 * MiB,
  default: 1 * MiB,
} as const;
