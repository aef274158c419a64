// Environments: what runs where (namespace, workload, type, image and its findings), and the difference between
// two environments, workload by workload. The chosen environments are in the URL (?env=…&compare=…).
import type { ColumnDef } from '@tanstack/react-table';
import { ArrowRight } from 'lucide-react';
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useEnvironments, useImages } from '../api/hooks.ts';
import type { Deployment, Environment, ImageSummary } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { useReady } from '../components/ready.tsx';
import { SeverityCounts } from '../components/severity.tsx';
import { Card, Empty, ErrorBox, Loading, PageHeader } from '../components/ui.tsx';
import { count, displayReference, shortDigest } from '../format.ts';

const workloadKey = (d: Deployment) => `${d.namespace ?? ''}/${d.workload}`;

/** The summaries of the images running in `environment` (the first 500), by digest; `complete` when that is all. */
function useImagesIn(environment: string | null): ImagesByDigest {
  const images = useImages({ environment: environment ?? undefined, limit: 500 });
  return useMemo(
    () => ({ byDigest: new Map((environment ? (images.data?.images ?? []) : []).map((i) => [i.digest, i])), complete: images.data !== undefined && images.data.next === null }),
    [images.data, environment],
  );
}

interface ImagesByDigest {
  byDigest: Map<string, ImageSummary>;
  complete: boolean;
}

export default function EnvironmentsPage() {
  const environments = useEnvironments();
  const [params, setParams] = useSearchParams();
  const list = environments.data?.environments ?? [];
  const current = list.find((e) => e.name === params.get('env')) ?? list[0] ?? null;
  const compare = list.find((e) => e.name === params.get('compare') && e.name !== current?.name) ?? null;
  const imagesHere = useImagesIn(current?.name ?? null);
  const imagesThere = useImagesIn(compare?.name ?? null);
  useReady(environments.isSuccess);

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  if (environments.isPending) return <Loading />;
  if (environments.isError) return <ErrorBox error={environments.error} />;
  if (!current)
    return (
      <>
        <PageHeader title="Environments" />
        <Empty>
          No environment recorded yet. Push with <code>sextant push IMAGE --env production</code>, record with <code>sextant environment record</code>, or run <code>sextant agent kubernetes</code> in
          a cluster.
        </Empty>
      </>
    );

  return (
    <>
      <PageHeader title="Environments" subtitle={`${list.length} environment${list.length === 1 ? '' : 's'}`} />
      <div className="env-switch" role="tablist" aria-label="Environment">
        {list.map((e) => (
          <button key={e.name} type="button" role="tab" aria-selected={e.name === current.name} className={`env-tab${e.name === current.name ? ' active' : ''}`} onClick={() => set('env', e.name)}>
            {e.name} <span className="muted">{e.deployments.length}</span>
          </button>
        ))}
        <span className="grow" />
        <label className="check">
          Compare with{' '}
          <select className="input" aria-label="Compare with" value={compare?.name ?? ''} onChange={(e) => set('compare', e.target.value)}>
            <option value="">nothing</option>
            {list
              .filter((e) => e.name !== current.name)
              .map((e) => (
                <option key={e.name} value={e.name}>
                  {e.name}
                </option>
              ))}
          </select>
        </label>
      </div>
      {compare ? <EnvironmentDiff a={current} b={compare} imagesA={imagesHere} imagesB={imagesThere} /> : <Deployments environment={current} images={imagesHere} />}
    </>
  );
}

function ImageCell({ digest, images }: { digest: string; images: ImagesByDigest }) {
  const image = images.byDigest.get(digest);
  return (
    <span>
      <Link to={`/images/${digest}`}>{image ? displayReference(image.reference) : shortDigest(digest)}</Link>
      {image ? (
        <>
          {' '}
          <SeverityCounts counts={image.vulnerabilities} compact />
        </>
      ) : images.complete ? (
        <span className="muted small"> not pushed to Sextant</span>
      ) : null}
    </span>
  );
}

function Deployments({ environment, images }: { environment: Environment; images: ImagesByDigest }) {
  const columns = useMemo<ColumnDef<Deployment, unknown>[]>(
    () => [
      { id: 'namespace', header: 'Namespace', accessorFn: (d) => d.namespace ?? '', cell: ({ row }) => row.original.namespace ?? <span className="muted">—</span> },
      { id: 'workload', header: 'Workload', accessorFn: (d) => d.workload, cell: ({ row }) => <span className="strong">{row.original.workload}</span> },
      { id: 'type', header: 'Type', accessorFn: (d) => d.workloadType, cell: ({ row }) => <span className="chip">{row.original.workloadType}</span> },
      { id: 'image', header: 'Image', enableSorting: false, cell: ({ row }) => <ImageCell digest={row.original.digest} images={images} /> },
    ],
    [images],
  );
  return (
    <Card title={`What runs in ${environment.name} (${count(environment.deployments.length)})`}>
      <DataTable
        label={`Deployments in ${environment.name}`}
        data={environment.deployments}
        columns={columns}
        initialSorting={[{ id: 'namespace', desc: false }]}
        rowKey={(d) => `${workloadKey(d)} ${d.digest}`}
        empty="Nothing runs here now."
      />
    </Card>
  );
}

type DiffRow = { key: string; namespace: string | null; workload: string; a: Deployment | null; b: Deployment | null };

function EnvironmentDiff({ a, b, imagesA, imagesB }: { a: Environment; b: Environment; imagesA: ImagesByDigest; imagesB: ImagesByDigest }) {
  const rows = useMemo(() => {
    const byKey = new Map<string, DiffRow>();
    for (const d of a.deployments) byKey.set(workloadKey(d), { key: workloadKey(d), namespace: d.namespace, workload: d.workload, a: d, b: null });
    for (const d of b.deployments) {
      const row = byKey.get(workloadKey(d));
      if (row) row.b = d;
      else byKey.set(workloadKey(d), { key: workloadKey(d), namespace: d.namespace, workload: d.workload, a: null, b: d });
    }
    return [...byKey.values()].sort((x, y) => x.key.localeCompare(y.key));
  }, [a, b]);
  const changed = rows.filter((r) => r.a && r.b && r.a.digest !== r.b.digest);
  const onlyA = rows.filter((r) => r.a && !r.b);
  const onlyB = rows.filter((r) => !r.a && r.b);
  const same = rows.filter((r) => r.a && r.b && r.a.digest === r.b.digest);
  const columns: ColumnDef<DiffRow, unknown>[] = [
    { id: 'namespace', header: 'Namespace', accessorFn: (r) => r.namespace ?? '', cell: ({ row }) => row.original.namespace ?? <span className="muted">—</span> },
    { id: 'workload', header: 'Workload', accessorFn: (r) => r.workload, cell: ({ row }) => <span className="strong">{row.original.workload}</span> },
    { id: 'a', header: a.name, enableSorting: false, cell: ({ row }) => (row.original.a ? <ImageCell digest={row.original.a.digest} images={imagesA} /> : <span className="muted">not running</span>) },
    { id: 'arrow', header: '', enableSorting: false, cell: () => <ArrowRight size={14} className="dim" /> },
    { id: 'b', header: b.name, enableSorting: false, cell: ({ row }) => (row.original.b ? <ImageCell digest={row.original.b.digest} images={imagesB} /> : <span className="muted">not running</span>) },
  ];
  const section = (title: string, list: DiffRow[], kind: string) => (
    <Card title={`${title} (${list.length})`} className={`diff-${kind}`}>
      {list.length === 0 ? <Empty>None.</Empty> : <DataTable label={title} data={list} columns={columns} rowKey={(r) => r.key} />}
    </Card>
  );
  return (
    <div className="stack" aria-label={`Difference between ${a.name} and ${b.name}`}>
      <div className="stats-row">
        <div className="stat">
          <div className="stat-label">Different image</div>
          <div className="stat-value">{changed.length}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Only in {a.name}</div>
          <div className="stat-value">{onlyA.length}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Only in {b.name}</div>
          <div className="stat-value">{onlyB.length}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Same image</div>
          <div className="stat-value">{same.length}</div>
        </div>
      </div>
      {section('Running different images', changed, 'changed')}
      {section(`Only in ${a.name}`, onlyA, 'removed')}
      {section(`Only in ${b.name}`, onlyB, 'added')}
      {section('Running the same image', same, 'same')}
    </div>
  );
}
