// One image: a header with its identity and findings, and a tab per aspect (each tab is its own URL,
// /images/<digest>/<tab>).
import { useParams } from 'react-router';
import { useImage, useImageFindings } from '../../api/hooks.ts';
import { SeverityCounts } from '../../components/severity.tsx';
import { Chips, Digest, ErrorBox, Loading, PageHeader, TabLinks } from '../../components/ui.tsx';
import { age, count, displayReference } from '../../format.ts';
import { BaseTab } from './base-tab.tsx';
import { LayersTab } from './layers-tab.tsx';
import { MetadataTab } from './metadata-tab.tsx';
import { PackagesTab } from './packages-tab.tsx';
import { ProvenanceTab } from './provenance-tab.tsx';
import { SecretsTab } from './secrets-tab.tsx';
import { VulnerabilitiesTab } from './vulnerabilities-tab.tsx';

const TABS = ['overview', 'layers', 'packages', 'vulnerabilities', 'secrets', 'provenance', 'base'] as const;
type Tab = (typeof TABS)[number];

export default function ImagePage() {
  const { digest = '', tab: tabParam } = useParams();
  const tab: Tab = (TABS as readonly string[]).includes(tabParam ?? '') ? (tabParam as Tab) : 'overview';
  const image = useImage(digest);
  const findings = useImageFindings(digest);

  if (image.isPending) return <Loading />;
  if (image.isError) return <ErrorBox error={image.error} />;
  const { summary, metadata, secrets } = image.data;
  const base = `/images/${digest}`;

  return (
    <>
      <PageHeader
        title={displayReference(summary.reference)}
        subtitle={
          <span className="header-facts">
            <Digest value={summary.digest} />
            <SeverityCounts counts={summary.vulnerabilities} />
            <span>{count(summary.packageCount)} packages</span>
            <span>created {age(summary.created)}</span>
            <Chips items={summary.environments} empty={null} />
          </span>
        }
      />
      <TabLinks
        tabs={[
          { to: base, label: 'Overview', end: true },
          { to: `${base}/layers`, label: `Layers (${metadata.layers.length})` },
          { to: `${base}/packages`, label: `Packages (${count(summary.packageCount)})` },
          { to: `${base}/vulnerabilities`, label: `Vulnerabilities${findings.data ? ` (${count(findings.data.findings.length)})` : ''}` },
          { to: `${base}/secrets`, label: `Secrets (${secrets.length})` },
          { to: `${base}/provenance`, label: 'Provenance' },
          { to: `${base}/base`, label: 'Base image' },
        ]}
      />
      <div className="tab-body">
        {tab === 'overview' ? <MetadataTab image={image.data} findings={findings} /> : null}
        {tab === 'layers' ? <LayersTab digest={digest} metadata={metadata} findings={findings} /> : null}
        {tab === 'packages' ? <PackagesTab digest={digest} /> : null}
        {tab === 'vulnerabilities' ? <VulnerabilitiesTab findings={findings} metadata={metadata} /> : null}
        {tab === 'secrets' ? <SecretsTab secrets={secrets} metadata={metadata} /> : null}
        {tab === 'provenance' ? <ProvenanceTab metadata={metadata} /> : null}
        {tab === 'base' ? <BaseTab digest={digest} metadata={metadata} /> : null}
      </div>
    </>
  );
}
