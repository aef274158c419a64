// Layer chain IDs (OCI image spec): the identity of a stack of layers, so that "the image's first N layers are
// exactly this image's layers" is one indexed lookup per N instead of a scan of every stored chain.
import { createHash } from 'node:crypto';

/**
 * The chain ID of every prefix of `diffIds` (base first): ChainID(L0) = DiffID(L0), and
 * ChainID(L0..Ln) = sha256 of `ChainID(L0..Ln-1) + " " + DiffID(Ln)`.
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const previous = out[out.length - 1];
    out.push(previous === undefined ? diffId : `sha256:${createHash('sha256').update(`${previous} ${diffId}`).digest('hex')}`);
  }
  return out;
}
