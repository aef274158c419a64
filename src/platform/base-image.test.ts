import { describe, expect, it } from 'vitest';
import { baseMatch, pickBase } from './base-image.ts';
import type { BaseCandidate } from './model.ts';

const l = (n: number) => `sha256:${String(n).padStart(64, '0')}`;
const image = [l(1), l(2), l(3), l(4)];
const cand = (reference: string, layers: string[], source: BaseCandidate['source'] = 'catalog', digest: string | null = null): BaseCandidate => ({ source, reference, digest, layers });

describe('pickBase', () => {
  it('takes the candidate sharing the most layers whose whole chain is the image’s first layers', () => {
    const debian = cand('debian:12', [l(1)]);
    const python = cand('python:3.12', [l(1), l(2), l(3)]);
    const forked = cand('other:1', [l(1), l(9)]);
    expect(pickBase(image, 'sha256:app', [debian, forked, python])).toMatchObject({ reference: 'python:3.12', sharedLayers: 3 });
    expect(pickBase(image, 'sha256:app', [forked])).toBeNull();
    expect(pickBase(image, 'sha256:app', [cand('bigger:1', [...image, l(5)])])).toBeNull();
  });

  it('never names the image itself, but names an image with the same chain and another digest', () => {
    const self = cand('registry.example/app:1', image, 'org', 'sha256:app');
    const configOnly = cand('registry.example/base:1', image, 'org', 'sha256:base');
    expect(pickBase(image, 'sha256:app', [self])).toBeNull();
    expect(pickBase(image, 'sha256:app', [self, configOnly])).toMatchObject({ reference: 'registry.example/base:1', sharedLayers: 4 });
  });

  it('breaks ties: catalog over org, not latest, the more specific tag, then the name', () => {
    const layers = [l(1), l(2)];
    expect(pickBase(image, null, [cand('acme/golden:1', layers, 'org'), cand('debian:12', layers)])?.reference).toBe('debian:12');
    expect(pickBase(image, null, [cand('debian:latest', layers), cand('debian:12', layers)])?.reference).toBe('debian:12');
    expect(pickBase(image, null, [cand('debian:12', layers), cand('debian:12.8', layers)])?.reference).toBe('debian:12.8');
    expect(pickBase(image, null, [cand('debian:bookworm', layers), cand('debian:12.8-slim', layers), cand('debian:12.8-zzzz', layers)])?.reference).toBe('debian:12.8-slim');
  });
});

describe('baseMatch', () => {
  it('says whether the detected base and the provenance’s agree', () => {
    const base = { ...cand('docker.io/library/debian:12', [l(1)]), sharedLayers: 1 };
    expect(baseMatch(base, 'debian:12@sha256:' + 'a'.repeat(64)).agrees).toBe(true);
    expect(baseMatch(base, 'debian:11').agrees).toBe(false);
    expect(baseMatch(base, 'ubuntu:24.04').agrees).toBe(false);
    expect(baseMatch(base, null)).toEqual({ base, provenance: null, agrees: null });
    expect(baseMatch(null, 'debian:12')).toEqual({ base: null, provenance: 'debian:12', agrees: null });
  });
});
