// Webhook routes (admin): subscribe a URL to the org's finding events (its signing secret is shown once), list and
// delete subscriptions, and see a subscription's latest deliveries.
import { Type } from 'typebox';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../store/webhooks.ts';
import { generateWebhookSecret } from '../../webhooks.ts';
import type { ApiInstance, RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { ApiError, notFound } from '../errors.ts';
import { AUTH_ERRORS, ErrorBody, Nullable } from '../schemas.ts';

const EventType = Type.Enum([...WEBHOOK_EVENTS]);

const WebhookInfo = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  url: Type.String(),
  events: Type.Array(EventType),
  createdAt: Type.String(),
});

const WebhookDelivery = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  eventCount: Type.Integer(),
  status: Type.Enum(['pending', 'delivered', 'failed']),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  lastStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable(Type.String()),
  createdAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
});

const WebhookParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** `url` when it is an absolute http(s) URL without credentials; else a 400. */
function checkedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ApiError(400, 'INVALID_REQUEST', 'body/url must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ApiError(400, 'INVALID_REQUEST', 'body/url must be an http:// or https:// URL');
  if (url.username || url.password) throw new ApiError(400, 'INVALID_REQUEST', 'body/url must not carry credentials: deliveries are authenticated by their signature');
  return url.toString();
}

/** Add the webhook routes. */
export function registerWebhookRoutes(app: ApiInstance, { store }: RouteDeps): void {
  app.post(
    '/api/v1/webhooks',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: "Subscribe a URL to the org's finding events; the answer is the only time the signing secret is shown",
        description: 'Deliveries are POSTed as JSON and signed: X-Sextant-Signature is sha256= and the hex HMAC-SHA256 of the raw body under the secret (docs/api.md).',
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048 }),
            secret: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{16,256}$', description: '16 to 256 printable characters; generated when absent' })),
            events: Type.Optional(Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENTS.length, uniqueItems: true, description: 'default: every event type' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ webhook: WebhookInfo, secret: Type.String() }), ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const url = checkedUrl(request.body.url);
      const secret = request.body.secret ?? generateWebhookSecret();
      const events = (request.body.events ?? [...WEBHOOK_EVENTS]) as WebhookEventType[];
      const created = await store.createWebhook(principalOf(request).orgId, { url, events, secret });
      return reply.code(201).send({ webhook: { id: created.id, orgId: created.orgId, url: created.url, events: created.events, createdAt: created.createdAt }, secret });
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      config: { scope: 'admin' },
      schema: { tags: ['webhooks'], summary: "The org's webhook subscriptions (never their secrets)", response: { 200: Type.Object({ webhooks: Type.Array(WebhookInfo) }), ...AUTH_ERRORS } },
    },
    async (request) => ({ webhooks: await store.listWebhooks(principalOf(request).orgId) }),
  );

  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook subscription of the org, with its deliveries (pending ones are not sent)',
        params: WebhookParams,
        response: { 204: Type.Null({ description: 'deleted' }), ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      if (!(await store.deleteWebhook(principalOf(request).orgId, request.params.id))) throw notFound(`webhook ${request.params.id}`);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['webhooks'],
        summary: "The subscription's latest 100 deliveries, newest first: status, attempts, last error, next attempt",
        params: WebhookParams,
        response: { 200: Type.Object({ deliveries: Type.Array(WebhookDelivery) }), ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const deliveries = await store.webhookDeliveries(principalOf(request).orgId, request.params.id);
      if (!deliveries) throw notFound(`webhook ${request.params.id}`);
      return { deliveries };
    },
  );
}
