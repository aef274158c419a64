// What reading an SBOM document gives: its packages and what it says about its subject.
import type { Package } from '../../core/package.ts';

/** An SBOM read from a file: its format, the subject it describes, the distro when it names one, its packages. */
export interface ImportedSbom {
  format: string;
  subject: { name: string | null; version: string | null } | null;
  distro: { id: string | null; versionId: string | null } | null;
  packages: Package[];
}
