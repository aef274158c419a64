// Settings: the org's API tokens and webhooks (admin tokens only), and the public base-image catalog. Each
// section is its own URL (/settings/tokens, /settings/webhooks, /settings/catalog).
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useCatalog, useCreateToken, useCreateWebhook, useDeleteWebhook, useRevokeToken, useTokens, useWebhookDeliveries, useWebhooks } from '../api/hooks.ts';
import type { TokenScope } from '../api/types.ts';
import { useReady } from '../components/ready.tsx';
import { Card, Chips, CopyButton, Empty, ErrorBox, Loading, PageHeader, TabLinks } from '../components/ui.tsx';
import { age, count, dateTime, shortDigest } from '../format.ts';

export default function SettingsPage() {
  const { section = 'tokens' } = useParams();
  return (
    <>
      <PageHeader title="Settings" />
      <TabLinks
        tabs={[
          { to: '/settings/tokens', label: 'API tokens' },
          { to: '/settings/webhooks', label: 'Webhooks' },
          { to: '/settings/catalog', label: 'Base-image catalog' },
        ]}
      />
      <div className="tab-body">{section === 'webhooks' ? <Webhooks /> : section === 'catalog' ? <Catalog /> : <Tokens />}</div>
    </>
  );
}

/** A 403 explained: these settings need an admin token. */
function Forbidden({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 403) return <Empty>Only admin tokens can see and change this. Sign in with an admin token.</Empty>;
  return <ErrorBox error={error} />;
}

/** A secret shown once, right after it was made. */
function OneTimeSecret({ label, secret }: { label: string; secret: string }) {
  return (
    <div className="secret-once" role="status">
      <div className="strong">{label}</div>
      <div className="digest">
        <code data-testid="new-secret">{secret}</code>
        <CopyButton text={secret} label="Copy secret" />
      </div>
      <div className="muted small">Copy it now: the server keeps only a hash and will not show it again.</div>
    </div>
  );
}

function Tokens() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  useReady(tokens.isSuccess || tokens.isError);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate({ name: name.trim(), scopes: [scope] }, { onSuccess: () => setName('') });
  };
  if (tokens.isPending) return <Loading />;
  if (tokens.isError) return <Forbidden error={tokens.error} />;
  return (
    <div className="stack">
      <Card title="Create a token">
        <form className="inline-form" onSubmit={submit}>
          <label>
            Name
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="ci-pipeline" maxLength={100} required />
          </label>
          <label>
            Scope
            <select className="input" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)}>
              <option value="read">read: images, findings, environments</option>
              <option value="push">push: read, and push images and environments</option>
              <option value="admin">admin: push, and tokens, webhooks, catalog</option>
            </select>
          </label>
          <button type="submit" className="button primary" disabled={create.isPending || !name.trim()}>
            Create token
          </button>
        </form>
        {create.isError ? <ErrorBox error={create.error} /> : null}
        {create.data ? <OneTimeSecret label={`Token “${create.data.info.name}” created`} secret={create.data.token} /> : null}
      </Card>
      <Card title={`Tokens (${tokens.data.tokens.length})`}>
        <table className="data-table" aria-label="Tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.tokens.map((t) => (
              <tr key={t.id}>
                <td className="strong">{t.name}</td>
                <td>
                  <Chips items={t.scopes} empty={null} />
                </td>
                <td title={t.createdAt}>{dateTime(t.createdAt)}</td>
                <td>{t.lastUsedAt ? age(t.lastUsedAt) : <span className="muted">never</span>}</td>
                <td className="right">
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => {
                      if (confirm(`Revoke the token “${t.name}”? Anything using it stops working at once.`)) revoke.mutate(t.id);
                    }}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}

const EVENTS = ['finding.appeared', 'finding.disappeared'] as const;

function Webhooks() {
  const webhooks = useWebhooks();
  const create = useCreateWebhook();
  const remove = useDeleteWebhook();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...EVENTS]);
  const [shown, setShown] = useState<string | null>(null);
  useReady(webhooks.isSuccess || webhooks.isError);
  if (webhooks.isPending) return <Loading />;
  if (webhooks.isError) return <Forbidden error={webhooks.error} />;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim() && events.length) create.mutate({ url: url.trim(), events }, { onSuccess: () => setUrl('') });
  };
  return (
    <div className="stack">
      <Card title="Subscribe a URL to finding events">
        <form className="inline-form" onSubmit={submit}>
          <label className="grow">
            URL
            <input className="input" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://ci.example.com/sextant" required />
          </label>
          {EVENTS.map((e) => (
            <label key={e} className="check">
              <input type="checkbox" checked={events.includes(e)} onChange={(x) => setEvents((list) => (x.target.checked ? [...list, e] : list.filter((i) => i !== e)))} /> {e}
            </label>
          ))}
          <button type="submit" className="button primary" disabled={create.isPending || !url.trim() || events.length === 0}>
            Add webhook
          </button>
        </form>
        {create.isError ? <ErrorBox error={create.error} /> : null}
        {create.data ? <OneTimeSecret label="Webhook added. Deliveries are signed with this secret (X-Sextant-Signature)" secret={create.data.secret} /> : null}
      </Card>
      <Card title={`Webhooks (${webhooks.data.webhooks.length})`}>
        {webhooks.data.webhooks.length === 0 ? (
          <Empty>No webhook yet.</Empty>
        ) : (
          <table className="data-table" aria-label="Webhooks">
            <thead>
              <tr>
                <th>URL</th>
                <th>Events</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {webhooks.data.webhooks.map((w) => (
                <tr key={w.id}>
                  <td className="mono small break">{w.url}</td>
                  <td>
                    <Chips items={w.events} empty={null} />
                  </td>
                  <td>{dateTime(w.createdAt)}</td>
                  <td className="right nowrap">
                    <button type="button" className="button small" aria-pressed={shown === w.id} onClick={() => setShown(shown === w.id ? null : w.id)}>
                      Deliveries
                    </button>{' '}
                    <button type="button" className="button small danger" onClick={() => confirm(`Delete the webhook to ${w.url}?`) && remove.mutate(w.id)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {shown ? <Deliveries id={shown} url={webhooks.data.webhooks.find((w) => w.id === shown)?.url ?? ''} /> : null}
    </div>
  );
}

/** A webhook's latest deliveries: status, attempts, the last answer, and when it is tried next. */
function Deliveries({ id, url }: { id: string; url: string }) {
  const deliveries = useWebhookDeliveries(id);
  return (
    <Card title={`Latest deliveries to ${url}`}>
      {deliveries.isPending ? (
        <Loading />
      ) : deliveries.isError ? (
        <ErrorBox error={deliveries.error} />
      ) : deliveries.data.deliveries.length === 0 ? (
        <Empty>Nothing delivered yet: deliveries follow pushes and advisory updates that change findings.</Empty>
      ) : (
        <table className="data-table" aria-label="Deliveries">
          <thead>
            <tr>
              <th>Created</th>
              <th>Status</th>
              <th className="right">Events</th>
              <th className="right">Attempts</th>
              <th>Last answer</th>
              <th>Next attempt</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.deliveries.map((d) => (
              <tr key={d.id}>
                <td title={d.id}>{dateTime(d.createdAt)}</td>
                <td>
                  <span className={`chip delivery-${d.status}`}>{d.status}</span>
                </td>
                <td className="right">{count(d.eventCount)}</td>
                <td className="right">
                  {d.attempts} / {d.maxAttempts}
                </td>
                <td className="small">{d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? '—')}</td>
                <td>{d.nextAttemptAt ? dateTime(d.nextAttemptAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function Catalog() {
  const catalog = useCatalog();
  const [filter, setFilter] = useState('');
  useReady(catalog.isSuccess || catalog.isError);
  if (catalog.isPending) return <Loading />;
  if (catalog.isError) return <ErrorBox error={catalog.error} />;
  const entries = catalog.data.entries.filter((e) => !filter || `${e.name}:${e.tag}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <Card
      title={`Public base images (${count(catalog.data.entries.length)})`}
      actions={<input type="search" className="input" placeholder="Filter" aria-label="Filter catalog" value={filter} onChange={(e) => setFilter(e.target.value)} />}
    >
      <p className="muted small">
        Base images are matched by layer chain against these entries and your own images. Add entries with <code>sextant catalog add IMAGE --server URL</code> or import a list with{' '}
        <code>sextant catalog import</code>.
      </p>
      {entries.length === 0 ? (
        <Empty>No catalog entry{filter ? ' matches' : ' yet'}.</Empty>
      ) : (
        <table className="data-table" aria-label="Catalog">
          <thead>
            <tr>
              <th>Image</th>
              <th>Platform</th>
              <th>Digest</th>
              <th className="right">Layers</th>
              <th>Added</th>
            </tr>
          </thead>
          <tbody>
            {entries.slice(0, 500).map((e) => (
              <tr key={`${e.name}:${e.tag} ${e.platform ?? ''}`}>
                <td className="mono">
                  {e.name}:{e.tag}
                </td>
                <td>{e.platform ?? <span className="muted">any</span>}</td>
                <td className="mono small">{shortDigest(e.digest)}</td>
                <td className="right">{e.layers.length}</td>
                <td>{age(e.addedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.length > 500 ? <div className="muted small">Showing 500 of {count(entries.length)}: filter to narrow.</div> : null}
    </Card>
  );
}
