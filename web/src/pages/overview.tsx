// The overview: the org's images by environment, findings by severity with their trend, what the last advisory
// update brought, the most vulnerable images and the images whose base image has moved on.
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Link } from 'react-router';
import { useOverview } from '../api/hooks.ts';
import { SEVERITIES, type Overview, type Rating } from '../api/types.ts';
import { useReady } from '../components/ready.tsx';
import { SeverityBadge, SeverityBar, SeverityCounts, severityLabel, totalOf } from '../components/severity.tsx';
import { Card, CodeBlock, Empty, ErrorBox, Loading, PageHeader, Stat } from '../components/ui.tsx';
import { age, count, dateTime, displayReference, shortDigest } from '../format.ts';

const COLORS = { critical: '#be123c', high: '#ea580c', medium: '#d97706', low: '#65a30d', unknown: '#94a3b8' } as const;

export default function OverviewPage() {
  const overview = useOverview(30);
  useReady(overview.isSuccess);
  return (
    <>
      <PageHeader title="Overview" subtitle={overview.data ? `Advisories last updated ${overview.data.advisories.lastUpdate ? age(overview.data.advisories.lastUpdate) : 'never'}` : undefined} />
      {overview.isPending ? <Loading /> : overview.isError ? <ErrorBox error={overview.error} /> : <OverviewBody data={overview.data} />}
    </>
  );
}

/** A fresh server: how to get the first images and environments in. */
function GettingStarted() {
  const origin = window.location.origin;
  return (
    <Card title="Get started">
      <p>No image has been pushed yet. Analyse an image with the CLI and push what it found (the image itself never leaves your machine):</p>
      <CodeBlock
        language="shell"
        code={`export SEXTANT_SERVER=${origin} SEXTANT_TOKEN=sxt_…   # a push token (Settings → API tokens)
sextant push archive://image.tar --env production      # or registry://…, oci-dir://…, fs://…
sextant catalog add debian:12 alpine:3.20 --all-platforms   # public base images to match against
sextant agent kubernetes --env production               # what runs in a cluster, every minute`}
      />
    </Card>
  );
}

function OverviewBody({ data }: { data: Overview }) {
  const findingsTotal = totalOf(data.findings);
  return (
    <div className="overview">
      {data.images === 0 ? <GettingStarted /> : null}
      <div className="stats-row">
        <Stat label="Images" value={count(data.images)} hint={`${count(data.packages)} packages`} />
        <Stat label="Open findings" value={count(findingsTotal)} hint={<SeverityCounts counts={data.findings} compact />} />
        <Stat label="Vulnerabilities" value={count(totalOf(data.vulnerabilities))} hint="distinct CVEs and advisories" />
        <Stat label="Critical" value={<span className="text-critical">{count(data.findings.critical)}</span>} hint={`${count(data.findings.high)} high`} />
        <Stat label="New since last update" value={count(data.newFindings.total)} hint={data.newFindings.since ? dateTime(data.newFindings.since) : 'no advisory update yet'} />
      </div>

      <div className="grid-2">
        <Card title="Findings over the last 30 days">
          <TrendChart trend={data.trend} />
        </Card>
        <Card title="Images by environment" actions={<Link to="/environments">All environments</Link>}>
          {data.environments.length === 0 ? (
            <Empty>
              No environment recorded yet. Push with <code>--env</code> or run <code>sextant agent kubernetes</code>.
            </Empty>
          ) : (
            <ul className="env-list">
              {data.environments.map((e) => (
                <li key={e.name}>
                  <Link to={`/images?environment=${encodeURIComponent(e.name)}`} className="env-name">
                    {e.name}
                  </Link>
                  <span className="muted">
                    {count(e.images)} images · {count(e.workloads)} workloads
                  </span>
                  <div className="env-meter">
                    <span style={{ width: `${data.images ? Math.max(4, (100 * e.images) / data.images) : 0}%` }} />
                  </div>
                </li>
              ))}
            </ul>
          )}
          <h3 className="subhead">Findings by severity</h3>
          <SeverityBar counts={data.findings} />
          <div className="legend-row">
            {SEVERITIES.map((s) => (
              <span key={s}>
                <i className={`dot sev-bg-${s}`} /> {severityLabel(s)} {count(data.findings[s])}
              </span>
            ))}
          </div>
        </Card>
      </div>

      <div className="grid-2">
        <Card title="Most vulnerable images" actions={<Link to="/images?sort=vulnerabilities">All images</Link>}>
          {data.topImages.length === 0 ? (
            <Empty>No image has an open finding.</Empty>
          ) : (
            <table className="plain-table">
              <tbody>
                {data.topImages.map((image) => (
                  <tr key={image.digest}>
                    <td>
                      <Link to={`/images/${image.digest}`}>{displayReference(image.reference)}</Link>
                      <div className="muted small">{image.environments.join(', ') || 'not deployed'}</div>
                    </td>
                    <td className="right">
                      <SeverityCounts counts={image.vulnerabilities} compact />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title="New findings since the last advisory update">
          {data.newFindings.findings.length === 0 ? (
            <Empty>{data.newFindings.since ? 'The last advisory update found nothing new.' : 'Advisories have not been updated since images were pushed.'}</Empty>
          ) : (
            <table className="plain-table fixed">
              <tbody>
                {data.newFindings.findings.map((f) => (
                  <tr key={`${f.digest} ${f.id} ${f.purl}`}>
                    <td style={{ width: 92 }}>
                      <SeverityBadge rating={f.severity} />
                    </td>
                    <td>
                      <Link to={`/vulnerabilities/${encodeURIComponent(f.id)}`} className="strong">
                        {f.id}
                      </Link>{' '}
                      <span className="muted small">in</span> <Link to={`/images/${f.digest}`}>{displayReference(f.reference)}</Link>
                      <div className="muted small mono ellipsis" title={f.purl}>
                        {f.purl}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.newFindings.total > data.newFindings.findings.length ? <div className="muted small">and {count(data.newFindings.total - data.newFindings.findings.length)} more</div> : null}
        </Card>
      </div>

      <Card title="Images whose base image is outdated">
        {data.outdatedBases.length === 0 ? (
          <Empty>Every image is on the latest push of its base image.</Empty>
        ) : (
          <table className="plain-table">
            <thead>
              <tr>
                <th>Image</th>
                <th>Built on</th>
                <th>Current base</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {data.outdatedBases.map((o) => (
                <tr key={o.digest}>
                  <td>
                    <Link to={`/images/${o.digest}/base`}>{displayReference(o.reference)}</Link>
                  </td>
                  <td className="mono">
                    {o.baseDigest ? <Link to={`/images/${o.baseDigest}`}>{displayReference(o.base)}</Link> : displayReference(o.base)}
                    {o.baseDigest ? <div className="muted small">{shortDigest(o.baseDigest)}</div> : null}
                  </td>
                  <td className="mono">
                    {o.current.source === 'org' && o.current.digest ? <Link to={`/images/${o.current.digest}`}>{displayReference(o.current.reference)}</Link> : displayReference(o.current.reference)}
                    {o.current.digest ? <div className="muted small">{shortDigest(o.current.digest)}</div> : null}
                  </td>
                  <td className="muted">{o.reason === 'newer-push' ? 'a newer push of the base exists' : 'the base tag now points elsewhere'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function TrendChart({ trend }: { trend: Overview['trend'] }) {
  if (trend.length === 0) return <Empty>No history yet.</Empty>;
  return (
    <div className="chart" aria-label="Open findings by severity per day">
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={trend} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} tick={{ fontSize: 11 }} stroke="var(--muted)" minTickGap={24} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} stroke="var(--muted)" />
          <Tooltip contentStyle={{ fontSize: 12, borderRadius: 8 }} />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={(item) => SEVERITIES.indexOf(String(item.dataKey) as Rating)} />
          {SEVERITIES.map((s) => (
            <Area key={s} type="monotone" dataKey={s} name={severityLabel(s)} stackId="1" stroke={COLORS[s]} fill={COLORS[s]} fillOpacity={0.55} isAnimationActive={false} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
