// The vulnerabilities tab: the image's open findings with severity, CVSS, KEV, EPSS and fix, filtered in the
// browser (the list is whole) by text, severity, fixability and KEV.
import type { UseQueryResult } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Finding, ImageMetadata } from '../../api/types.ts';
import { useReady } from '../../components/ready.tsx';
import { useUrlState } from '../../components/url-state.tsx';
import { asRating } from '../../components/severity.tsx';
import { ErrorBox, Loading } from '../../components/ui.tsx';
import { count } from '../../format.ts';
import { FindingsTable } from './findings-table.tsx';

export function VulnerabilitiesTab({ findings, metadata }: { findings: UseQueryResult<{ findings: Finding[] }>; metadata: ImageMetadata }) {
  const [params, updateUrl] = useUrlState();
  const text = (params.get('q') ?? '').toLowerCase();
  const severity = params.get('severity') ?? '';
  const fixable = params.get('fixable') === 'true';
  const kev = params.get('kev') === 'true';
  useReady(findings.isSuccess);
  const shown = useMemo(
    () =>
      (findings.data?.findings ?? []).filter(
        (f) =>
          (!text || f.id.toLowerCase().includes(text) || f.ids.some((i) => i.toLowerCase().includes(text)) || f.packageName.toLowerCase().includes(text)) &&
          (!severity || asRating(f.severity?.rating) === severity) &&
          (!fixable || f.fixedIn.length > 0) &&
          (!kev || f.kev !== null),
      ),
    [findings.data, text, severity, fixable, kev],
  );
  const update = (name: string, value: string) => updateUrl({ [name]: value });
  if (findings.isPending) return <Loading />;
  if (findings.isError) return <ErrorBox error={findings.error} />;
  return (
    <>
      <div className="filters">
        <input
          type="search"
          className="input grow"
          placeholder="Filter by id or package"
          aria-label="Filter vulnerabilities"
          value={params.get('q') ?? ''}
          onChange={(e) => update('q', e.target.value)}
        />
        <select className="input" aria-label="Severity" value={severity} onChange={(e) => update('severity', e.target.value)}>
          <option value="">All severities</option>
          {['critical', 'high', 'medium', 'low', 'unknown'].map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={fixable} onChange={(e) => update('fixable', e.target.checked ? 'true' : '')} /> Fix available
        </label>
        <label className="check">
          <input type="checkbox" checked={kev} onChange={(e) => update('kev', e.target.checked ? 'true' : '')} /> Known exploited
        </label>
        <span className="muted">
          {count(shown.length)} of {count(findings.data.findings.length)}
        </span>
      </div>
      <FindingsTable findings={shown} metadata={metadata} />
    </>
  );
}
