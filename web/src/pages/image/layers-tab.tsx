// The layers tab: each layer with the command that made it, its size, and the packages and vulnerabilities it
// introduced; choosing a layer (?layer=<diffID>, a URL) lists those packages, paged on the server.
import type { UseQueryResult } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useImageLayers } from '../../api/hooks.ts';
import type { Finding, ImageMetadata } from '../../api/types.ts';
import { useReady } from '../../components/ready.tsx';
import { SeverityCounts } from '../../components/severity.tsx';
import { Card, Digest, Empty, ErrorBox, Loading } from '../../components/ui.tsx';
import { bytes, cleanCreatedBy, count } from '../../format.ts';
import { FindingsTable } from './findings-table.tsx';
import { PackageList } from './package-list.tsx';

export function LayersTab({ digest, metadata, findings }: { digest: string; metadata: ImageMetadata; findings: UseQueryResult<{ findings: Finding[] }> }) {
  const layers = useImageLayers(digest);
  const [params, setParams] = useSearchParams();
  const selected = params.get('layer');
  useReady(layers.isSuccess);
  if (layers.isPending) return <Loading />;
  if (layers.isError) return <ErrorBox error={layers.error} />;
  const chosen = layers.data.layers.find((l) => l.diffId === selected) ?? null;
  const select = (diffId: string | null) => {
    const next = new URLSearchParams(params);
    if (diffId) next.set('layer', diffId);
    else next.delete('layer');
    next.delete('offset');
    setParams(next);
  };
  return (
    <div className="layers">
      <ol className="layer-list" aria-label="Layers">
        {layers.data.layers.map((layer) => (
          <li key={`${layer.position}`} className={layer.diffId === selected ? 'selected' : undefined}>
            <button type="button" className="layer-button" aria-pressed={layer.diffId === selected} onClick={() => select(layer.diffId === selected ? null : layer.diffId)}>
              <span className="layer-no">{layer.position + 1}</span>
              <span className="layer-main">
                <code className="created-by" title={layer.createdBy ?? ''}>
                  {cleanCreatedBy(layer.createdBy) || <span className="muted">no history</span>}
                </code>
                <span className="layer-facts">
                  <span>{bytes(layer.size)}</span>
                  <span>{count(layer.packages)} packages</span>
                  <SeverityCounts counts={layer.vulnerabilities} compact />
                </span>
              </span>
            </button>
          </li>
        ))}
      </ol>
      {chosen ? (
        <div className="layer-detail">
          <Card title={`Layer ${chosen.position + 1}`}>
            <div className="card-row small">
              diffID <Digest value={chosen.diffId} /> · blob <Digest value={chosen.digest} /> · {chosen.mediaType}
            </div>
            {chosen.createdBy ? <pre className="command">{chosen.createdBy}</pre> : null}
          </Card>
          <Card title={`Packages introduced (${count(chosen.packages)})`}>
            <PackageList digest={digest} layer={chosen.diffId} compact />
          </Card>
          <Card title="Vulnerabilities introduced">
            {findings.isPending ? <Loading /> : <FindingsTable findings={(findings.data?.findings ?? []).filter((f) => f.layers.includes(chosen.diffId))} metadata={metadata} />}
          </Card>
        </div>
      ) : (
        <Empty>Choose a layer to see the packages and vulnerabilities it introduced.</Empty>
      )}
    </div>
  );
}
