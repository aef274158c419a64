// Bearer-token authentication and scope checks. A request's token is looked up first (so rate limits can count per
// token), and refused before its body is read when it is missing, unknown or lacks the route's scope.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal, TokenScope } from '../model.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import { ApiError } from './errors.ts';

/** Longest token accepted in a header; real ones are about 50 characters. */
const MAX_TOKEN_LENGTH = 512;

const SCOPE_RANK: Record<TokenScope, number> = { read: 0, push: 1, admin: 2 };

/** The token of an `Authorization: Bearer TOKEN` header; null when the header is missing or not a bearer token. */
export function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  if (!match?.[1] || match[1].length > MAX_TOKEN_LENGTH) return null;
  return match[1];
}

/** Whether `scopes` include `needed` or a scope above it (admin > push > read). */
export function hasScope(scopes: readonly TokenScope[], needed: TokenScope): boolean {
  return scopes.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[needed]);
}

/** The principal of an authenticated request; routes that require a scope always have one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError(401, 'UNAUTHENTICATED', 'authentication required');
  return request.principal;
}

/**
 * Authenticate every request against `store` (onRequest: look the token up; preParsing: refuse without reading the
 * body). Routes declare their scope in `config.scope`; unknown routes have none and fall through to the 404.
 */
export function installAuth(app: FastifyInstance, store: PlatformStore): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined || scope === 'none') return;
    const token = parseBearer(request.headers.authorization);
    request.principal = token === null ? null : await store.authenticate(token);
  });
  app.addHook('preParsing', async (request) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined || scope === 'none') return;
    const principal = request.principal;
    if (!principal) {
      const message = request.headers.authorization ? 'the token is unknown, revoked or malformed' : 'authentication required: send Authorization: Bearer TOKEN';
      throw new ApiError(401, 'UNAUTHENTICATED', message);
    }
    if (!hasScope(principal.scopes, scope)) throw new ApiError(403, 'FORBIDDEN', `this token lacks the ${scope} scope`);
  });
}
