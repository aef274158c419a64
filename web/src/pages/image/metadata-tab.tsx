// The image's overview tab: every metadata item the platform keeps (identity, platform, OS, registry, config),
// environment variables with their values masked until asked, labels, and the worst findings.
import type { UseQueryResult } from '@tanstack/react-query';
import { Eye, EyeOff } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Finding, StoredImageView } from '../../api/types.ts';
import { useReady } from '../../components/ready.tsx';
import { SeverityBadge, SeverityCounts, asRating } from '../../components/severity.tsx';
import { Card, Digest, Empty, KeyValues } from '../../components/ui.tsx';
import { bytes, count, dateTime } from '../../format.ts';

const RANK = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 } as const;

export function MetadataTab({ image, findings }: { image: StoredImageView; findings: UseQueryResult<{ findings: Finding[] }> }) {
  const { summary, metadata, distro } = image;
  useReady(true);
  const registry = metadata.registry;
  const worst = [...(findings.data?.findings ?? [])]
    .sort((a, b) => RANK[asRating(a.severity?.rating)] - RANK[asRating(b.severity?.rating)] || (b.severity?.score ?? 0) - (a.severity?.score ?? 0))
    .slice(0, 8);
  return (
    <div className="grid-2">
      <Card title="Image">
        <KeyValues
          rows={[
            ['Reference', <span className="mono">{metadata.reference}</span>],
            ['Manifest digest', <Digest value={metadata.digest} full />],
            ['Index digest', metadata.indexDigest ? <Digest value={metadata.indexDigest} full /> : null],
            ['Image ID', metadata.id ? <Digest value={metadata.id} full /> : null],
            ['Created', dateTime(metadata.created)],
            ['Pushed', dateTime(summary.pushedAt)],
            ['Size', bytes(metadata.size)],
            ['Layers', count(metadata.layers.length)],
            ['Packages', count(summary.packageCount)],
          ]}
        />
      </Card>
      <Card title="Platform and registry">
        <KeyValues
          rows={[
            ['OS', metadata.os],
            ['Architecture', [metadata.architecture, metadata.variant].filter(Boolean).join('/')],
            ['Distribution', distro?.prettyName ?? metadata.osRelease?.prettyName ?? null],
            ['OS version', [distro?.id ?? metadata.osRelease?.id, distro?.versionId ?? metadata.osRelease?.versionId].filter(Boolean).join(' ')],
            ['Registry', registry?.url ?? null],
            ['Registry type', registry?.type ?? null],
            ['Repository', registry?.repository ?? summary.repository],
            ['Tag', registry?.tag ?? summary.tag],
          ]}
        />
      </Card>
      <Card title="Configuration">
        <KeyValues
          rows={[
            [
              'Exposed ports',
              metadata.ports.length
                ? metadata.ports.map((p) => (
                    <span key={p} className="chip mono">
                      {p}
                    </span>
                  ))
                : null,
            ],
            ['User', metadata.user ? <code>{metadata.user}</code> : null],
            ['Entrypoint', metadata.entrypoint ? <code>{JSON.stringify(metadata.entrypoint)}</code> : null],
            ['Command', metadata.cmd ? <code>{JSON.stringify(metadata.cmd)}</code> : null],
            ['Working dir', metadata.workingDir ? <code>{metadata.workingDir}</code> : null],
            ['Stop signal', metadata.stopSignal],
          ]}
        />
      </Card>
      <Card title="Worst findings" actions={<Link to={`/images/${summary.digest}/vulnerabilities`}>All vulnerabilities</Link>}>
        <div className="card-row">
          <SeverityCounts counts={summary.vulnerabilities} />
        </div>
        {findings.isPending ? null : worst.length === 0 ? (
          <Empty>No open finding.</Empty>
        ) : (
          <table className="plain-table">
            <tbody>
              {worst.map((f) => (
                <tr key={`${f.id} ${f.purl}`}>
                  <td>
                    <SeverityBadge rating={f.severity?.rating} score={f.severity?.score} />
                  </td>
                  <td>
                    <Link to={`/vulnerabilities/${encodeURIComponent(f.id)}`}>{f.id}</Link>
                  </td>
                  <td className="mono small">
                    {f.packageName} {f.installedVersion}
                  </td>
                  <td className="small">{f.fixedIn.length ? `fixed in ${f.fixedIn[0]}` : <span className="muted">no fix</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <EnvironmentVariables env={metadata.env} />
      <Card title={`Labels (${Object.keys(metadata.labels).length})`}>
        {Object.keys(metadata.labels).length === 0 ? (
          <Empty>No labels.</Empty>
        ) : (
          <table className="plain-table">
            <tbody>
              {Object.entries(metadata.labels).map(([name, value]) => (
                <tr key={name}>
                  <td className="mono small">{name}</td>
                  <td className="mono small break">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

/** Environment variables: names shown, values masked until the user reveals them (one or all). */
function EnvironmentVariables({ env }: { env: { name: string; value: string }[] }) {
  const [all, setAll] = useState(false);
  const [shown, setShown] = useState<Set<string>>(new Set());
  const toggle = (name: string) =>
    setShown((s) => {
      const next = new Set(s);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  return (
    <Card
      title={`Environment variables (${env.length})`}
      actions={
        env.length ? (
          <button type="button" className="button small" onClick={() => setAll((a) => !a)}>
            {all ? 'Mask values' : 'Show values'}
          </button>
        ) : null
      }
    >
      {env.length === 0 ? (
        <Empty>No environment variables.</Empty>
      ) : (
        <table className="plain-table" aria-label="Environment variables">
          <tbody>
            {env.map(({ name, value }) => {
              const visible = all || shown.has(name);
              return (
                <tr key={name}>
                  <td className="mono small">{name}</td>
                  <td className="mono small break">{visible ? value : <span className="masked">••••••••</span>}</td>
                  <td className="right">
                    <button type="button" className="icon-button" aria-label={visible ? `Mask ${name}` : `Show ${name}`} onClick={() => toggle(name)}>
                      {visible ? <EyeOff size={14} /> : <Eye size={14} />}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
