// The provenance tab: what the build attestation says — builder, materials, the source repository and revision
// (linked when it is a web URL) and the Dockerfile.
import type { ImageMetadata } from '../../api/types.ts';
import { useReady } from '../../components/ready.tsx';
import { Card, CodeBlock, Empty, KeyValues } from '../../components/ui.tsx';
import { revisionUrl } from '../../format.ts';

export function ProvenanceTab({ metadata }: { metadata: ImageMetadata }) {
  useReady(true);
  const p = metadata.provenance;
  if (!p)
    return (
      <Empty>
        This image carries no provenance attestation. Build with BuildKit and <code>--provenance=mode=max</code> to record one.
      </Empty>
    );
  const link = revisionUrl(p.vcs.source, p.vcs.revision);
  return (
    <div className="stack">
      <Card title="Build">
        <KeyValues
          rows={[
            ['Predicate', p.predicateType],
            ['Builder', p.builderId],
            ['Build type', p.buildType],
            ['Base image', p.baseImage ? <span className="mono">{p.baseImage}</span> : null],
            [
              'Source',
              p.vcs.source ? (
                link ? (
                  <a href={link} target="_blank" rel="noreferrer noopener">
                    {p.vcs.source}
                  </a>
                ) : (
                  p.vcs.source
                )
              ) : null,
            ],
            ['Revision', p.vcs.revision ? <span className="mono">{p.vcs.revision}</span> : null],
            ['Dockerfile path', p.dockerfilePath],
          ]}
        />
      </Card>
      <Card title={`Materials (${p.materials.length})`}>
        {p.materials.length === 0 ? (
          <Empty>No materials recorded.</Empty>
        ) : (
          <table className="plain-table">
            <tbody>
              {p.materials.map((m, i) => (
                <tr key={i}>
                  <td className="mono small break">{m.uri}</td>
                  <td className="mono small">
                    {Object.entries(m.digest)
                      .map(([algorithm, hex]) => `${algorithm}:${hex.slice(0, 12)}`)
                      .join(' ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Dockerfile">
        {p.dockerfile ? <CodeBlock code={p.dockerfile} language="Dockerfile" /> : <Empty>The attestation does not carry the Dockerfile (BuildKit adds it in mode=max).</Empty>}
      </Card>
    </div>
  );
}
