// The base image tab: which image this one was built on, how it was matched (the longest shared layer chain,
// against the org's images and the public catalog), and whether the provenance agrees.
import { Link } from 'react-router';
import { useImageBase } from '../../api/hooks.ts';
import type { ImageMetadata } from '../../api/types.ts';
import { useReady } from '../../components/ready.tsx';
import { Card, Digest, Empty, ErrorBox, KeyValues, Loading } from '../../components/ui.tsx';
import { cleanCreatedBy, displayReference } from '../../format.ts';

export function BaseTab({ digest, metadata }: { digest: string; metadata: ImageMetadata }) {
  const base = useImageBase(digest);
  useReady(base.isSuccess);
  if (base.isPending) return <Loading />;
  if (base.isError) return <ErrorBox error={base.error} />;
  const { base: match, provenance, agrees } = base.data;
  const shared = match?.sharedLayers ?? 0;
  return (
    <div className="stack">
      <Card title="Base image">
        {match ? (
          <KeyValues
            rows={[
              [
                'Base',
                match.source === 'org' && match.digest ? (
                  <Link to={`/images/${match.digest}`}>{displayReference(match.reference)}</Link>
                ) : (
                  <span className="mono">{displayReference(match.reference)}</span>
                ),
              ],
              ['Found in', match.source === 'org' ? "your organisation's images" : 'the public base-image catalog'],
              ['Digest', <Digest value={match.digest} />],
              [
                'How it was matched',
                `its whole layer chain (${match.layers.length} layer${match.layers.length === 1 ? '' : 's'}) is the first ${shared} of this image's ${metadata.layers.length}; no other candidate shares more`,
              ],
              ['Provenance says', provenance ? <span className="mono">{provenance}</span> : 'no base image named'],
              ['Agreement', agrees === null ? '—' : agrees ? 'the provenance names the same image' : 'the provenance names another image'],
            ]}
          />
        ) : (
          <Empty>
            No known image shares this image's first layers.{' '}
            {provenance ? (
              <>
                The provenance names <code>{provenance}</code>; add it to the catalog (<code>sextant catalog add</code>) to match it.
              </>
            ) : null}
          </Empty>
        )}
      </Card>
      <Card title="Layer chain">
        <ol className="chain">
          {metadata.layers.map((l, i) => (
            <li key={`${i}`} className={i < shared ? 'shared' : ''}>
              <span className="layer-no">{i + 1}</span>
              <span className="chain-main">
                <code className="created-by">{cleanCreatedBy(l.createdBy) || '—'}</code>
                <span className="muted small">{i < shared ? 'from the base image' : 'added by this image'}</span>
              </span>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
