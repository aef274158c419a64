// A list of an image's findings (client-side: an image's findings arrive whole), sortable, with the chosen
// finding's explanation: which advisory matched, on which name and version, by which range and version scheme.
import type { ColumnDef } from '@tanstack/react-table';
import { Flame } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { Finding, ImageMetadata } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { SeverityBadge, asRating } from '../../components/severity.tsx';
import { Card, KeyValues } from '../../components/ui.tsx';
import { shortDigest } from '../../format.ts';

const RANK = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 } as const;

export function FindingsTable({ findings, metadata }: { findings: Finding[]; metadata: ImageMetadata }) {
  const [selected, setSelected] = useState<Finding | null>(null);
  const close = useCallback(() => setSelected(null), []);
  const layerNumber = useMemo(() => new Map(metadata.layers.map((l, i) => [l.diffId, i + 1])), [metadata]);
  const columns = useMemo<ColumnDef<Finding, unknown>[]>(
    () => [
      {
        id: 'severity',
        header: 'Severity',
        accessorFn: (f) => RANK[asRating(f.severity?.rating)] * 100 + (f.severity?.score ?? 0),
        cell: ({ row }) => <SeverityBadge rating={row.original.severity?.rating} score={row.original.severity?.score} />,
      },
      {
        id: 'id',
        header: 'Vulnerability',
        accessorFn: (f) => f.id,
        cell: ({ row }) => (
          <div>
            <Link to={`/vulnerabilities/${encodeURIComponent(row.original.id)}`} onClick={(e) => e.stopPropagation()} className="strong nowrap">
              {row.original.id}
            </Link>
            {row.original.ids.length > 1 ? (
              <div className="muted small nowrap">
                {row.original.ids
                  .filter((i) => i !== row.original.id)
                  .slice(0, 3)
                  .join(', ')}
              </div>
            ) : null}
          </div>
        ),
      },
      {
        id: 'package',
        header: 'Package',
        accessorFn: (f) => f.packageName,
        cell: ({ row }) => (
          <div>
            <span className="strong nowrap">{row.original.packageName}</span> <span className="mono small nowrap">{row.original.installedVersion}</span>
            <div className="muted small">{row.original.packageType}</div>
          </div>
        ),
      },
      {
        id: 'fixedIn',
        header: 'Fixed in',
        accessorFn: (f) => f.fixedIn[0] ?? '',
        cell: ({ row }) => (row.original.fixedIn.length ? <span className="mono small">{row.original.fixedIn.join(', ')}</span> : <span className="muted">no fix</span>),
      },
      {
        id: 'kev',
        header: 'KEV',
        accessorFn: (f) => (f.kev ? 1 : 0),
        cell: ({ row }) =>
          row.original.kev ? (
            <span className="kev" title={`Known exploited since ${row.original.kev.dateAdded}${row.original.kev.knownRansomware ? ', used in ransomware' : ''}`}>
              <Flame size={13} /> KEV
            </span>
          ) : (
            <span className="muted">—</span>
          ),
      },
      {
        id: 'epss',
        header: 'EPSS',
        accessorFn: (f) => f.epss?.score ?? -1,
        cell: ({ row }) =>
          row.original.epss ? <span title={`percentile ${(row.original.epss.percentile * 100).toFixed(1)}`}>{(row.original.epss.score * 100).toFixed(2)}%</span> : <span className="muted">—</span>,
      },
      {
        id: 'layer',
        header: 'Layer',
        accessorFn: (f) => layerNumber.get(f.layers[0] ?? '') ?? 0,
        cell: ({ row }) =>
          row.original.layers.map((l) => (
            <span key={l} className="chip" title={l}>
              #{layerNumber.get(l) ?? '?'}
            </span>
          )),
      },
    ],
    [layerNumber],
  );
  return (
    <>
      <DataTable
        label="Vulnerabilities"
        data={findings}
        columns={columns}
        initialSorting={[{ id: 'severity', desc: true }]}
        rowKey={(f) => `${f.id} ${f.purl}`}
        onRowClick={setSelected}
        empty="No vulnerability."
      />
      {selected ? <FindingExplanation finding={selected} layerNumber={layerNumber} onClose={close} /> : null}
    </>
  );
}

/** The chosen finding's explanation, in a drawer over the right of the page (Escape or Close shuts it). */
function FindingExplanation({ finding, layerNumber, onClose }: { finding: Finding; layerNumber: Map<string, number>; onClose: () => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside className="drawer" role="dialog" aria-label={`Why ${finding.id} matches ${finding.packageName}`}>
      <Card
        title={`Why ${finding.id} matches ${finding.packageName}`}
        className="explanation"
        actions={
          <button type="button" className="button small" onClick={onClose}>
            Close
          </button>
        }
      >
        {finding.summary ? <p>{finding.summary}</p> : null}
        <KeyValues
          rows={[
            ['Package URL', <span className="mono small break">{finding.purl}</span>],
            ['Installed', <span className="mono">{finding.installedVersion}</span>],
            ['Fixed in', finding.fixedIn.join(', ') || 'no fixed version known'],
            ['Severity', finding.severity ? `${finding.severity.rating}${finding.severity.score !== null ? ` ${finding.severity.score.toFixed(1)}` : ''} (${finding.severity.source})` : null],
            ['CVSS vector', finding.severity?.vector ? <span className="mono small break">{finding.severity.vector}</span> : null],
            ['All ids', finding.ids.join(', ')],
            ['Introduced by', finding.layers.map((l) => `layer #${layerNumber.get(l) ?? '?'} (${shortDigest(l)})`).join(', ')],
            ['KEV', finding.kev ? `${finding.kev.vulnerabilityName}: added ${finding.kev.dateAdded}${finding.kev.dueDate ? `, due ${finding.kev.dueDate}` : ''}. ${finding.kev.requiredAction}` : null],
            ['EPSS', finding.epss ? `${(finding.epss.score * 100).toFixed(2)}% (percentile ${(finding.epss.percentile * 100).toFixed(1)}, ${finding.epss.date})` : null],
            ['VEX', finding.vex ? `${finding.vex.status}${finding.vex.statement ? `: ${finding.vex.statement}` : ''}` : null],
          ]}
        />
        <h3 className="subhead">Match</h3>
        <table className="plain-table">
          <thead>
            <tr>
              <th>Advisory</th>
              <th>Ecosystem</th>
              <th>Looked up as</th>
              <th>Range</th>
              <th>Scheme</th>
            </tr>
          </thead>
          <tbody>
            {finding.explanations.map((e, i) => (
              <tr key={i}>
                <td>{e.advisoryId}</td>
                <td>{e.ecosystem}</td>
                <td className="mono small">
                  {e.name} {e.installedVersion} <span className="muted">({e.keyedBy})</span>
                </td>
                <td className="mono small">{e.range}</td>
                <td>{e.scheme}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </aside>
  );
}
