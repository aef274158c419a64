// The secrets tab: leaked credentials found in the image, redacted (the server only ever has the first characters).
import type { ImageMetadata, SecretFinding } from '../../api/types.ts';
import { useReady } from '../../components/ready.tsx';
import { SeverityBadge } from '../../components/severity.tsx';
import { Empty } from '../../components/ui.tsx';

export function SecretsTab({ secrets, metadata }: { secrets: SecretFinding[]; metadata: ImageMetadata }) {
  useReady(true);
  if (secrets.length === 0) return <Empty>No secret found in this image.</Empty>;
  const layerNumber = new Map(metadata.layers.map((l, i) => [l.diffId, i + 1]));
  return (
    <table className="data-table" aria-label="Secrets">
      <thead>
        <tr>
          <th>Severity</th>
          <th>Secret</th>
          <th>Where</th>
          <th>Line</th>
          <th>Preview</th>
        </tr>
      </thead>
      <tbody>
        {secrets.map((s, i) => (
          <tr key={i}>
            <td>
              <SeverityBadge rating={s.severity} />
            </td>
            <td>
              <span className="strong">{s.title}</span>
              <div className="muted small">{s.rule}</div>
            </td>
            <td className="mono small">
              {'path' in s.location ? (
                <>
                  {s.location.path}
                  {s.location.layer ? <span className="muted"> (layer #{layerNumber.get(s.location.layer) ?? '?'})</span> : null}
                </>
              ) : 'env' in s.location ? (
                `environment variable ${s.location.env}`
              ) : 'label' in s.location ? (
                `label ${s.location.label}`
              ) : (
                `history entry ${s.location.history + 1}`
              )}
            </td>
            <td>{s.line ?? '—'}</td>
            <td>
              <code className="masked">{s.preview}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
