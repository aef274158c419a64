// Webhook subscriptions and their deliveries: each org's subscriptions remember the last finding event already
// batched into a delivery; each delivery keeps the exact body it sends and its attempts.
import type { Kysely, Selectable } from 'kysely';
import type { PlatformDatabase, WebhookDeliveryTable, WebhookTable } from './schema.ts';

/** The finding events a subscription may ask for. */
export const WEBHOOK_EVENTS = ['finding.appeared', 'finding.disappeared'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** A subscription as the API shows it: never its secret. */
export interface WebhookInfo {
  id: string;
  orgId: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
}

/** A subscription with what delivering needs. */
export interface WebhookSubscription extends WebhookInfo {
  secret: string;
  lastSeq: number;
}

/** One delivery, as the API shows it (without its body). */
export interface WebhookDeliveryInfo {
  id: string;
  webhookId: string;
  eventCount: number;
  status: WebhookDeliveryTable['status'];
  attempts: number;
  maxAttempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

function subscriptionOf(row: Selectable<WebhookTable>): WebhookSubscription {
  return {
    id: row.id,
    orgId: row.org_id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    createdAt: row.created_at,
    secret: row.secret,
    lastSeq: Number(row.last_seq),
  };
}

/** The public part of a subscription. */
export function webhookInfo(s: WebhookSubscription): WebhookInfo {
  return { id: s.id, orgId: s.orgId, url: s.url, events: s.events, createdAt: s.createdAt };
}

function deliveryInfoOf(row: Selectable<WebhookDeliveryTable>): WebhookDeliveryInfo {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventCount: Number(row.event_count),
    status: row.status,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

/** Insert a subscription that starts after the org's latest finding event. */
export async function insertWebhook(db: Kysely<PlatformDatabase>, webhook: Omit<WebhookSubscription, 'lastSeq'>): Promise<WebhookSubscription> {
  const latest = await db
    .selectFrom('finding_event')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('org_id', '=', webhook.orgId)
    .executeTakeFirst();
  const lastSeq = Number(latest?.seq ?? 0);
  await db
    .insertInto('webhook')
    .values({ id: webhook.id, org_id: webhook.orgId, url: webhook.url, secret: webhook.secret, events: JSON.stringify(webhook.events), last_seq: lastSeq, created_at: webhook.createdAt })
    .execute();
  return { ...webhook, lastSeq };
}

/** The subscriptions of org `orgId` (of every org when null), oldest first. */
export async function readWebhooks(db: Kysely<PlatformDatabase>, orgId: string | null): Promise<WebhookSubscription[]> {
  let query = db.selectFrom('webhook').selectAll().orderBy('created_at').orderBy('id');
  if (orgId !== null) query = query.where('org_id', '=', orgId);
  return (await query.execute()).map(subscriptionOf);
}

/** Delete subscription `id` of org `orgId` (its deliveries go with it); false when the org has no such one. */
export async function deleteWebhook(db: Kysely<PlatformDatabase>, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Move subscription `id` from `fromSeq` to `toSeq` unless another process moved it first (then false). */
export async function advanceWebhook(db: Kysely<PlatformDatabase>, id: string, fromSeq: number, toSeq: number): Promise<boolean> {
  const result = await db.updateTable('webhook').set({ last_seq: toSeq }).where('id', '=', id).where('last_seq', '=', fromSeq).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Insert a pending delivery of `body` (already serialised) for subscription `webhook`. */
export async function insertDelivery(db: Kysely<PlatformDatabase>, delivery: { id: string; webhookId: string; orgId: string; body: string; eventCount: number; maxAttempts: number; at: string }): Promise<void> {
  await db
    .insertInto('webhook_delivery')
    .values({
      id: delivery.id,
      webhook_id: delivery.webhookId,
      org_id: delivery.orgId,
      body: delivery.body,
      event_count: delivery.eventCount,
      status: 'pending',
      attempts: 0,
      max_attempts: delivery.maxAttempts,
      last_status: null,
      last_error: null,
      next_attempt_at: delivery.at,
      created_at: delivery.at,
      delivered_at: null,
    })
    .execute();
}

/** A delivery with its subscription's URL and secret; null when either is gone. */
export async function readDeliveryForSending(db: Kysely<PlatformDatabase>, id: string): Promise<(WebhookDeliveryInfo & { orgId: string; body: string; url: string; secret: string }) | null> {
  const row = await db
    .selectFrom('webhook_delivery')
    .innerJoin('webhook', 'webhook.id', 'webhook_delivery.webhook_id')
    .selectAll('webhook_delivery')
    .select(['webhook.url', 'webhook.secret'])
    .where('webhook_delivery.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return { ...deliveryInfoOf(row), orgId: row.org_id, body: row.body, url: row.url, secret: row.secret };
}

/**
 * Record attempt `attempt` of delivery `id` (whose previous attempt count was `attempt - 1`): delivered, pending
 * again until `nextAttemptAt`, or failed for good. False when another process recorded this attempt first.
 */
export async function recordDeliveryAttempt(
  db: Kysely<PlatformDatabase>,
  id: string,
  attempt: number,
  outcome: { status: WebhookDeliveryTable['status']; httpStatus: number | null; error: string | null; nextAttemptAt: string | null; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_delivery')
    .set({
      status: outcome.status,
      attempts: attempt,
      last_status: outcome.httpStatus,
      last_error: outcome.error,
      next_attempt_at: outcome.nextAttemptAt,
      ...(outcome.status === 'delivered' ? { delivered_at: outcome.at } : {}),
    })
    .where('id', '=', id)
    .where('attempts', '=', attempt - 1)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The latest `limit` deliveries of subscription `webhookId` of org `orgId`, newest first. */
export async function readDeliveries(db: Kysely<PlatformDatabase>, orgId: string, webhookId: string, limit: number): Promise<WebhookDeliveryInfo[]> {
  const rows = await db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(deliveryInfoOf);
}

/**
 * Delete every finished delivery (delivered or failed) whose last activity, its delivery time or else its creation,
 * is before `before` (ISO time); returns how many. Pending deliveries stay, however old.
 */
export async function deleteFinishedDeliveries(db: Kysely<PlatformDatabase>, before: string): Promise<number> {
  const result = await db
    .deleteFrom('webhook_delivery')
    .where('status', 'in', ['delivered', 'failed'])
    .where((eb) => eb(eb.fn.coalesce('delivered_at', 'created_at'), '<', before))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
