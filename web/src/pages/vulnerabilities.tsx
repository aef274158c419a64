// Every vulnerability open on the org's images, worst first, paged on the server.
import { Flame } from 'lucide-react';
import { Link } from 'react-router';
import { useVulnerabilities } from '../api/hooks.ts';
import { useReady } from '../components/ready.tsx';
import { SearchBox, useUrlState } from '../components/url-state.tsx';
import { SeverityBadge } from '../components/severity.tsx';
import { ErrorBox, Loading, PageHeader, Pager } from '../components/ui.tsx';
import { count } from '../format.ts';

const PAGE = 50;

export default function VulnerabilitiesPage() {
  const [params, update] = useUrlState();
  const search = params.get('search') ?? '';
  const severity = params.get('severity') ?? '';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const list = useVulnerabilities({ search, severity, limit: PAGE, offset });
  useReady(list.isSuccess);
  return (
    <>
      <PageHeader title="Vulnerabilities" subtitle={list.data ? `${count(list.data.total)} open across your images` : undefined} />
      <div className="filters">
        <SearchBox value={search} onSearch={(v) => update({ search: v })} label="Filter vulnerabilities" placeholder="Find a CVE or advisory id" />
        <select className="input" aria-label="Severity" value={severity} onChange={(e) => update({ severity: e.target.value })}>
          <option value="">All severities</option>
          {['critical', 'high', 'medium', 'low'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorBox error={list.error} />
      ) : (
        <>
          <table className="data-table" aria-label="Vulnerabilities">
            <thead>
              <tr>
                <th>Severity</th>
                <th>Vulnerability</th>
                <th className="right">Images</th>
                <th className="right">Packages</th>
                <th>Fix</th>
                <th>KEV</th>
              </tr>
            </thead>
            <tbody>
              {list.data.vulnerabilities.length === 0 ? (
                <tr>
                  <td colSpan={6} className="empty-cell">
                    No open vulnerability matches.
                  </td>
                </tr>
              ) : (
                list.data.vulnerabilities.map((v) => (
                  <tr key={v.id}>
                    <td>
                      <SeverityBadge rating={v.severity} />
                    </td>
                    <td>
                      <Link to={`/vulnerabilities/${encodeURIComponent(v.id)}`} className="strong">
                        {v.id}
                      </Link>
                      {v.summary ? <div className="muted small ellipsis wide">{v.summary}</div> : null}
                    </td>
                    <td className="right">{count(v.images)}</td>
                    <td className="right">{count(v.packages)}</td>
                    <td>{v.fixAvailable ? 'available' : <span className="muted">none</span>}</td>
                    <td>
                      {v.kev ? (
                        <span className="kev">
                          <Flame size={13} /> KEV
                        </span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
          <Pager offset={offset} limit={PAGE} total={list.data.total} onChange={(o) => update({ offset: o ? String(o) : '' })} />
        </>
      )}
    </>
  );
}
