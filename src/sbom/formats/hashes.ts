// Digests of a package's artifact, gathered from the metadata its cataloger kept, for the formats' hash fields.
import type { Package } from '../../core/package.ts';

/** One digest of the package's artifact (archive, tarball, crate), as lower-case hex. */
export interface PackageHash {
  algorithm: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  hex: string;
}

const SRI_ALGORITHMS: Record<string, PackageHash['algorithm']> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };
const HEX_LENGTH: Record<PackageHash['algorithm'], number> = { 'SHA-1': 40, 'SHA-256': 64, 'SHA-384': 96, 'SHA-512': 128 };

/**
 * The artifact digests a package's metadata records: a Java archive's `sha1`, an npm `integrity` (Subresource
 * Integrity, base64), a Cargo `checksum` (SHA-256 of the .crate). Go's `h1:` digests are left out on purpose: they
 * hash a listing of the module's files, not any file a consumer could check.
 */
export function packageHashes(p: Package): PackageHash[] {
  const out: PackageHash[] = [];
  const add = (algorithm: PackageHash['algorithm'], hex: string) => {
    const h = hex.toLowerCase();
    if (h.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/.test(h) && !out.some((o) => o.algorithm === algorithm)) out.push({ algorithm, hex: h });
  };
  const { sha1, integrity, checksum } = p.metadata;
  if (typeof sha1 === 'string') add('SHA-1', sha1);
  if (typeof integrity === 'string') {
    for (const token of integrity.trim().split(/\s+/)) {
      const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
      const algorithm = m ? SRI_ALGORITHMS[m[1] as string] : undefined;
      if (m && algorithm) add(algorithm, Buffer.from(m[2] as string, 'base64').toString('hex'));
    }
  }
  if (p.type === 'cargo' && typeof checksum === 'string') add('SHA-256', checksum);
  return out;
}
