// The image list: searched, filtered (environment, severity, age) and sorted on the server, a page at a time.
// Every filter lives in the URL, so a filtered list can be bookmarked and shared.
import type { ColumnDef, SortingState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useEnvironments, useImages } from '../api/hooks.ts';
import type { ImageSummary } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { useReady } from '../components/ready.tsx';
import { SearchBox, useUrlState } from '../components/url-state.tsx';
import { SeverityCounts } from '../components/severity.tsx';
import { Chips, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';
import { age, count, displayReference, shortDigest } from '../format.ts';

const PAGE = 50;
const SORTS = ['pushed', 'created', 'reference', 'vulnerabilities', 'packages'] as const;
const AGES: Record<string, { label: string; after?: number; before?: number }> = {
  '': { label: 'Any age' },
  '7d': { label: 'Created in the last 7 days', after: 7 },
  '30d': { label: 'Created in the last 30 days', after: 30 },
  '90d': { label: 'Created in the last 90 days', after: 90 },
  old: { label: 'Older than 90 days', before: 90 },
};

/** `days` days before the current hour: rounded, so the query (and its cache key) stays the same for an hour. */
const daysAgo = (days: number) => new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - days * 86_400_000).toISOString();

export default function ImagesPage() {
  const [params, updateUrl] = useUrlState();
  const navigate = useNavigate();
  const search = params.get('search') ?? '';
  const environment = params.get('environment') ?? '';
  const severity = params.get('severity') ?? '';
  const ageKey = params.get('age') ?? '';
  const sort = (SORTS as readonly string[]).includes(params.get('sort') ?? '') ? (params.get('sort') as (typeof SORTS)[number]) : 'pushed';
  const order = params.get('order') === 'asc' || params.get('order') === 'desc' ? params.get('order')! : sort === 'reference' ? 'asc' : 'desc';
  // Cursors of the pages before this one, so Previous works with the server's opaque cursors.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1) ?? null;
  const ageWindow = AGES[ageKey] ?? AGES['']!;

  const query = {
    search,
    environment,
    severity,
    sort,
    order,
    limit: PAGE,
    cursor,
    createdAfter: ageWindow.after !== undefined ? daysAgo(ageWindow.after) : undefined,
    createdBefore: ageWindow.before !== undefined ? daysAgo(ageWindow.before) : undefined,
  };
  const images = useImages(query);
  const environments = useEnvironments();
  useReady(images.isSuccess);

  const update = (changes: Record<string, string>) => {
    setCursors([]);
    updateUrl(changes);
  };

  const sorting: SortingState = [{ id: sort, desc: order === 'desc' }];
  const columns = useMemo<ColumnDef<ImageSummary, unknown>[]>(
    () => [
      {
        id: 'reference',
        header: 'Image',
        cell: ({ row }) => (
          <div>
            <Link to={`/images/${row.original.digest}`} className="strong">
              {displayReference(row.original.reference)}
            </Link>
            <div className="muted small mono">{shortDigest(row.original.digest)}</div>
          </div>
        ),
      },
      { id: 'vulnerabilities', header: 'Vulnerabilities', cell: ({ row }) => <SeverityCounts counts={row.original.vulnerabilities} compact /> },
      { id: 'packages', header: 'Packages', meta: { className: 'right' }, cell: ({ row }) => count(row.original.packageCount) },
      {
        id: 'environments',
        header: 'Environments',
        enableSorting: false,
        cell: ({ row }) => <Chips items={row.original.environments} />,
      },
      { id: 'platform', header: 'Platform', enableSorting: false, cell: ({ row }) => <span className="muted">{[row.original.os, row.original.architecture].filter(Boolean).join('/') || '—'}</span> },
      { id: 'created', header: 'Created', cell: ({ row }) => <span title={row.original.created ?? ''}>{age(row.original.created)}</span> },
      { id: 'pushed', header: 'Pushed', cell: ({ row }) => <span title={row.original.pushedAt}>{age(row.original.pushedAt)}</span> },
    ],
    [],
  );

  return (
    <>
      <PageHeader title="Images" subtitle={images.data ? `${count(images.data.total)} images` : undefined} />
      <div className="filters">
        <SearchBox value={search} onSearch={(v) => update({ search: v })} label="Filter images" placeholder="Filter by repository, tag or digest" />
        <select className="input" aria-label="Environment" value={environment} onChange={(e) => update({ environment: e.target.value })}>
          <option value="">All environments</option>
          {environments.data?.environments.map((e) => (
            <option key={e.name} value={e.name}>
              {e.name}
            </option>
          ))}
        </select>
        <select className="input" aria-label="Severity" value={severity} onChange={(e) => update({ severity: e.target.value })}>
          <option value="">Any severity</option>
          <option value="critical">Has critical</option>
          <option value="high">High or worse</option>
          <option value="medium">Medium or worse</option>
          <option value="low">Low or worse</option>
        </select>
        <select className="input" aria-label="Age" value={ageKey} onChange={(e) => update({ age: e.target.value })}>
          {Object.entries(AGES).map(([key, a]) => (
            <option key={key} value={key}>
              {a.label}
            </option>
          ))}
        </select>
      </div>
      {images.isPending ? (
        <Loading />
      ) : images.isError ? (
        <ErrorBox error={images.error} />
      ) : (
        <>
          <DataTable
            label="Images"
            data={images.data.images}
            columns={columns}
            rowKey={(r) => r.digest}
            sorting={sorting}
            onSortingChange={(updater) => {
              const next = typeof updater === 'function' ? updater(sorting) : updater;
              const first = next[0];
              if (first) update({ sort: first.id, order: first.desc ? 'desc' : 'asc' });
            }}
            onRowClick={(r) => navigate(`/images/${r.digest}`)}
            empty={search || environment || severity || ageKey ? 'No image matches these filters.' : 'No image pushed yet. Run sextant push IMAGE --server URL.'}
          />
          <div className="pager">
            <span className="muted">
              Page {cursors.length + 1} of {Math.max(1, Math.ceil(images.data.total / PAGE))}
            </span>
            <button type="button" className="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous
            </button>
            <button type="button" className="button" disabled={!images.data.next} onClick={() => images.data.next && setCursors((c) => [...c, images.data.next!])}>
              Next
            </button>
          </div>
        </>
      )}
    </>
  );
}
