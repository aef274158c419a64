// An image's SBOM matched against the advisory database: what `cves` and `quickview` both show.
import type { Sbom } from '../core/sbom.ts';
import type { Finding, Undecided } from '../match/matcher.ts';
import { openAdvisoryStore } from './open-advisory-store.ts';
import { runAnalysis, type ImageCommandOptions } from './run-analysis.ts';
import { version } from './version.ts';

/** The SBOM, its findings, what could not be decided, and the digest of the database they came from. */
export interface ImageScan {
  sbom: Sbom;
  findings: Finding[];
  undecided: Undecided[];
  database: string;
}

/** Analyse `image` (through the layer cache) and match its packages; warns once when the database is empty. */
export async function scanImage(image: string, opts: ImageCommandOptions, database?: string): Promise<ImageScan> {
  const [{ defaultCatalogerSet }, { assembleSbom }, { matchPackages }] = await Promise.all([
    import('../catalog/default-catalogers.ts'),
    import('../sbom/assemble.ts'),
    import('../match/matcher.ts'),
  ]);
  const store = await openAdvisoryStore(database);
  try {
    const { digest, advisories } = await store.summary();
    if (advisories === 0) process.stderr.write('sextant: warning: the advisory database is empty (load one with sextant db import)\n');
    const analysis = await runAnalysis(image, opts, { catalogers: defaultCatalogerSet });
    const sbom = assembleSbom(analysis.metadata, analysis.packages, version);
    const { findings, undecided } = await matchPackages(sbom.packages, sbom.distro, (eco, names) => store.affecting(eco, names), digest);
    return { sbom, findings, undecided, database: digest };
  } finally {
    await store.close();
  }
}
