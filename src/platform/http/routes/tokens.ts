// Token routes (admin): list the org's tokens, create one (its secret is shown once), revoke one.
import { Type } from 'typebox';
import type { ApiInstance, RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { notFound } from '../errors.ts';
import { AUTH_ERRORS, ErrorBody, Scope, TokenInfo } from '../schemas.ts';

/** Add the token routes. */
export function registerTokenRoutes(app: ApiInstance, { store }: RouteDeps): void {
  app.get(
    '/api/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: { tags: ['tokens'], summary: "The org's tokens (never their secrets)", response: { 200: Type.Object({ tokens: Type.Array(TokenInfo) }), ...AUTH_ERRORS } },
    },
    async (request) => ({ tokens: await store.listTokens(principalOf(request).orgId) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create a token for the org; the answer is the only time its secret is shown',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          scopes: Type.Array(Scope, { minItems: 1, maxItems: 3, uniqueItems: true }),
        }),
        response: { 201: Type.Object({ token: Type.String(), info: TokenInfo }), ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const created = await store.createToken(principalOf(request).orgId, request.body.name, request.body.scopes);
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token of the org',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 204: Type.Null({ description: 'revoked' }), ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!(await store.revokeToken(principalOf(request).orgId, request.params.id))) throw notFound(`token ${request.params.id}`);
      return reply.code(204).send(null);
    },
  );
}
