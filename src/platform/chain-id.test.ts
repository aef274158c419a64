import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainIds } from './chain-id.ts';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('chainIds', () => {
  it('follows the OCI definition, prefix by prefix', () => {
    const [a, b, c] = chainIds([d(1), d(2), d(3)]);
    expect(a).toBe(d(1));
    expect(b).toBe(`sha256:${createHash('sha256').update(`${d(1)} ${d(2)}`).digest('hex')}`);
    expect(c).toBe(`sha256:${createHash('sha256').update(`${b} ${d(3)}`).digest('hex')}`);
    // A chain is a prefix of another exactly when their chain IDs at that length agree.
    expect(chainIds([d(1), d(2)])).toEqual([a, b]);
    expect(chainIds([d(2), d(1)])[1]).not.toBe(b);
    expect(chainIds([])).toEqual([]);
  });
});
