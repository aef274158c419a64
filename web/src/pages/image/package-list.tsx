// An image's packages, paged, filtered and sorted on the server (an image with thousands of packages renders
// one page at a time). Filters live in the URL. Used by the packages tab and for one layer on the layers tab.
import type { ColumnDef, SortingState } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useImagePackages } from '../../api/hooks.ts';
import type { ImagePackageRow } from '../../api/types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { useReady } from '../../components/ready.tsx';
import { SearchBox, useUrlState } from '../../components/url-state.tsx';
import { SeverityCounts } from '../../components/severity.tsx';
import { ErrorBox, Loading, Pager } from '../../components/ui.tsx';
import { bytes } from '../../format.ts';

const PAGE = 100;
/** Columns a layer's package list leaves out: the layer is known, and the panel is narrow. */
const COMPACT_HIDDEN = new Set(['layer', 'size', 'licenses', 'direct']);
const SORTS = ['name', 'type', 'version', 'vulnerabilities', 'layer'] as const;
const TYPES = ['deb', 'apk', 'rpm', 'npm', 'pypi', 'maven', 'golang', 'cargo', 'gem', 'composer', 'nuget', 'generic'];

export function PackageList({ digest, layer, compact = false }: { digest: string; layer?: string; compact?: boolean }) {
  const [params, update] = useUrlState();
  const search = params.get('q') ?? '';
  const type = params.get('type') ?? '';
  const direct = params.get('direct') ?? '';
  const vulnerable = params.get('vulnerable') === 'true';
  const sort = (SORTS as readonly string[]).includes(params.get('sort') ?? '') ? params.get('sort')! : 'name';
  const order = params.get('order') === 'desc' ? 'desc' : params.get('order') === 'asc' ? 'asc' : sort === 'vulnerabilities' ? 'desc' : 'asc';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const packages = useImagePackages(digest, { search, type, direct, vulnerable: vulnerable || undefined, layer, sort, order, limit: PAGE, offset });
  useReady(packages.isSuccess);

  const columns = useMemo<ColumnDef<ImagePackageRow, unknown>[]>(
    () => [
      {
        id: 'name',
        header: 'Package',
        cell: ({ row }) => (
          <div className="pkg-cell">
            <span className="strong">
              {row.original.namespace && row.original.type !== 'deb' && row.original.type !== 'apk' && row.original.type !== 'rpm' ? `${row.original.namespace}/` : ''}
              {row.original.name}
            </span>
            <div className="muted small mono ellipsis" title={row.original.purl}>
              {row.original.purl}
            </div>
          </div>
        ),
      },
      {
        id: 'version',
        header: 'Version',
        cell: ({ row }) => (
          <span className="mono small ellipsis" title={row.original.version}>
            {row.original.version}
          </span>
        ),
      },
      { id: 'type', header: 'Type', cell: ({ row }) => <span className="chip">{row.original.type}</span> },
      {
        id: 'licenses',
        header: 'Licence',
        enableSorting: false,
        cell: ({ row }) => (
          <span className="small ellipsis" title={row.original.licenses ?? ''}>
            {row.original.licenses ?? <span className="muted">—</span>}
          </span>
        ),
      },
      {
        id: 'layer',
        header: 'Layer',
        cell: ({ row }) => (row.original.layerIndex !== null ? <span title={row.original.layers.join('\n')}>#{row.original.layerIndex + 1}</span> : <span className="muted">—</span>),
      },
      {
        id: 'path',
        header: 'Path',
        enableSorting: false,
        cell: ({ row }) => (
          <span className="mono small ellipsis path-cell" title={row.original.paths.join('\n')}>
            {row.original.paths[0] ?? '—'}
          </span>
        ),
      },
      {
        id: 'direct',
        header: 'Dependency',
        enableSorting: false,
        cell: ({ row }) => (row.original.direct === null ? <span className="muted">—</span> : row.original.direct ? 'direct' : 'transitive'),
      },
      { id: 'size', header: 'Size', enableSorting: false, meta: { className: 'right' }, cell: ({ row }) => <span className="small">{bytes(row.original.size)}</span> },
      { id: 'vulnerabilities', header: 'Vulnerabilities', cell: ({ row }) => <SeverityCounts counts={row.original.vulnerabilities} compact /> },
    ],
    [],
  );

  const sorting: SortingState = [{ id: sort, desc: order === 'desc' }];
  return (
    <div className="package-list">
      <div className="filters">
        <SearchBox value={search} onSearch={(v) => update({ q: v })} label="Filter packages" placeholder="Filter packages by name or purl" />
        {compact ? null : (
          <select className="input" aria-label="Package type" value={type} onChange={(e) => update({ type: e.target.value })}>
            <option value="">All types</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        )}
        {compact ? null : (
          <select className="input" aria-label="Dependency" value={direct} onChange={(e) => update({ direct: e.target.value })}>
            <option value="">Direct and transitive</option>
            <option value="true">Direct only</option>
            <option value="false">Transitive only</option>
          </select>
        )}
        <label className="check">
          <input type="checkbox" checked={vulnerable} onChange={(e) => update({ vulnerable: e.target.checked ? 'true' : '' })} /> Vulnerable only
        </label>
      </div>
      {packages.isPending ? (
        <Loading />
      ) : packages.isError ? (
        <ErrorBox error={packages.error} />
      ) : (
        <>
          <DataTable
            label="Packages"
            data={packages.data.packages}
            columns={compact ? columns.filter((c) => !COMPACT_HIDDEN.has(c.id ?? '')) : columns}
            rowKey={(r) => `${r.position}`}
            sorting={sorting}
            onSortingChange={(updater) => {
              const next = typeof updater === 'function' ? updater(sorting) : updater;
              const first = next[0];
              if (first) update({ sort: first.id, order: first.desc ? 'desc' : 'asc' });
            }}
            empty="No package matches."
          />
          <Pager offset={offset} limit={PAGE} total={packages.data.total} onChange={(o) => update({ offset: o ? String(o) : '' })} />
        </>
      )}
    </div>
  );
}
