// Webhooks: an org's finding events (after pushes and re-evaluations) are batched into one delivery per subscription
// and POSTed as JSON signed with HMAC-SHA256, with retries after an exponential backoff. Deliveries are jobs, so
// any process running jobs may send them, and each attempt is recorded in `webhook_delivery`.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { FindingEvent } from './store/findings.ts';
import type { PlatformStore } from './store/platform-store.ts';
import { advanceWebhook, insertDelivery, readDeliveryForSending, readWebhooks, recordDeliveryAttempt } from './store/webhooks.ts';
import { backoffDelay, describeJobError, type JobQueue } from './jobs/job-queue.ts';

/** Events per delivery at most: more become several deliveries. */
export const MAX_EVENTS_PER_DELIVERY = 1000;

/** The body of a delivery (`X-Sextant-Signature` signs its exact bytes). */
export interface WebhookPayload {
  /** The delivery's id, also in `X-Sextant-Delivery`: the same on every retry, so receivers can drop repeats. */
  id: string;
  /** The org's id. */
  org: string;
  /** The subscription's id. */
  webhook: string;
  events: FindingEvent[];
}

export interface WebhookOptions {
  store: PlatformStore;
  queue: JobQueue;
  /** Attempts per delivery (default 8). */
  maxAttempts?: number;
  /** Delay before the second attempt in ms, doubled for each one after (default 30 s: the eighth attempt comes about an hour after the first). */
  retryDelay?: number;
  /** How long one attempt waits for an answer, in ms (default 10 s). */
  timeout?: number;
  /** Where failures to collect events are reported (they are retried by the next collection); default stderr. */
  log?: (line: string) => void;
}

/** The outcome of one delivery job. */
export interface DeliveryOutcome {
  status: 'delivered' | 'pending' | 'failed' | 'gone';
  attempt: number;
  httpStatus: number | null;
  error: string | null;
}

export interface Webhooks {
  /**
   * Batch the finding events recorded since each subscription's last delivery (of org `orgId`, or of every org
   * when null) into deliveries and queue them. Never throws: what fails is collected next time.
   */
  collect(orgId: string | null): Promise<void>;
  /** Make one attempt at delivery `id` (the `deliver-webhook` job); schedules the next attempt when it fails. */
  deliver(id: string): Promise<DeliveryOutcome>;
}

/** A new subscription secret: `whsec_` and 32 random bytes in base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The `X-Sextant-Signature` value of `body`: `sha256=` and the hex HMAC-SHA256 of its bytes under `secret`. */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Webhook collection and delivery over `store`, queueing deliveries on `queue`. */
export function createWebhooks(options: WebhookOptions): Webhooks {
  const { store, queue } = options;
  const maxAttempts = options.maxAttempts ?? 8;
  const retryDelay = options.retryDelay ?? 30_000;
  const timeout = options.timeout ?? 10_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  /** Batch one subscription's new events; stops when another process got there first. */
  async function collectFor(subscription: Awaited<ReturnType<typeof readWebhooks>>[number]): Promise<void> {
    let from = subscription.lastSeq;
    for (;;) {
      const events = await store.findingEvents(subscription.orgId, { afterSeq: from, limit: MAX_EVENTS_PER_DELIVERY });
      const last = events.at(-1);
      if (!last) return;
      const wanted = events.filter((e) => subscription.events.includes(`finding.${e.kind}`));
      const moved = await store.atomically(async (tx) => {
        if (!(await advanceWebhook(tx.db, subscription.id, from, last.seq))) return false;
        if (wanted.length === 0) return true;
        const id = randomUUID();
        const payload: WebhookPayload = { id, org: subscription.orgId, webhook: subscription.id, events: wanted };
        await insertDelivery(tx.db, { id, webhookId: subscription.id, orgId: subscription.orgId, body: JSON.stringify(payload), eventCount: wanted.length, maxAttempts, at: new Date().toISOString() });
        await queue.add('deliver-webhook', { delivery: id }, { orgId: subscription.orgId, within: tx });
        return true;
      });
      if (!moved || events.length < MAX_EVENTS_PER_DELIVERY) return;
      from = last.seq;
    }
  }

  /** POST the delivery's body; the HTTP status, or the reason there was none. */
  async function send(delivery: { id: string; url: string; secret: string; body: string }): Promise<{ ok: boolean; httpStatus: number | null; error: string | null }> {
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'sextant-webhooks',
          'x-sextant-delivery': delivery.id,
          'x-sextant-timestamp': String(Math.floor(Date.now() / 1000)),
          'x-sextant-signature': signWebhookBody(delivery.body, delivery.secret),
        },
        body: delivery.body,
        // A redirect is not followed: the signed body goes only where the subscription says.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeout),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, httpStatus: response.status, error: null };
      return { ok: false, httpStatus: response.status, error: `HTTP ${response.status}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, httpStatus: null, error: `no answer within ${timeout / 1000} s` };
      return { ok: false, httpStatus: null, error: describeJobError(e.cause?.message ? `${e.message}: ${e.cause.message}` : e) };
    }
  }

  return {
    async collect(orgId) {
      try {
        const subscriptions = await readWebhooks(store.db, orgId);
        for (const subscription of subscriptions) {
          try {
            await collectFor(subscription);
          } catch (err) {
            log(`sextant: webhook ${subscription.id}: cannot collect its events (next time): ${describeJobError(err)}`);
          }
        }
      } catch (err) {
        log(`sextant: webhooks: cannot read the subscriptions: ${describeJobError(err)}`);
      }
    },

    async deliver(id) {
      const delivery = await readDeliveryForSending(store.db, id);
      if (!delivery) return { status: 'gone', attempt: 0, httpStatus: null, error: null };
      if (delivery.status !== 'pending') return { status: delivery.status, attempt: delivery.attempts, httpStatus: delivery.lastStatus, error: delivery.lastError };
      const attempt = delivery.attempts + 1;
      const sent = await send(delivery);
      const at = new Date().toISOString();
      const final = !sent.ok && attempt >= delivery.maxAttempts;
      const status: DeliveryOutcome['status'] = sent.ok ? 'delivered' : final ? 'failed' : 'pending';
      const nextAttemptAt = status === 'pending' ? new Date(Date.now() + backoffDelay(attempt, retryDelay)).toISOString() : null;
      await store.atomically(async (tx) => {
        const recorded = await recordDeliveryAttempt(tx.db, id, attempt, { status, httpStatus: sent.httpStatus, error: sent.error, nextAttemptAt, at });
        if (recorded && nextAttemptAt !== null) await queue.add('deliver-webhook', { delivery: id }, { orgId: delivery.orgId, runAt: new Date(nextAttemptAt), within: tx });
      });
      return { status, attempt, httpStatus: sent.httpStatus, error: sent.error };
    },
  };
}
