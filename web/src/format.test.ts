// The dashboard's formatting for people: sizes, digests, references, ages, history commands, revision links.
import { describe, expect, it } from 'vitest';
import { age, bytes, cleanCreatedBy, displayReference, revisionUrl, shortDigest } from './format.ts';

describe('formatting for people', () => {
  it('writes sizes in decimal units, as registries do', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(999)).toBe('999 B');
    expect(bytes(1_000)).toBe('1.00 kB');
    expect(bytes(2_350)).toBe('2.35 kB');
    expect(bytes(202_000_000)).toBe('202.0 MB');
    expect(bytes(null)).toBe('—');
  });

  it('shortens digests to their algorithm and 12 hex digits', () => {
    expect(shortDigest(`sha256:${'4f1c'.repeat(16)}`)).toBe('sha256:4f1c4f1c4f1c');
    expect(shortDigest('abcdef0123456789')).toBe('abcdef012345');
    expect(shortDigest(null)).toBe('—');
  });

  it('drops reference prefixes and Docker Hub library noise', () => {
    expect(displayReference('registry://ghcr.io/acme/web:1.4')).toBe('ghcr.io/acme/web:1.4');
    expect(displayReference('docker.io/library/debian:12')).toBe('debian:12');
    expect(displayReference('docker.io/acme/web:1.4')).toBe('docker.io/acme/web:1.4');
  });

  it('says how long ago a time was', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(age('2026-11-23T12:00:00Z', now)).toMatch(/3 days ago/);
    expect(age('2026-11-26T11:59:30Z', now)).toBe('just now');
    expect(age(null, now)).toBe('—');
    expect(age('not a date', now)).toBe('not a date');
  });

  it('cleans the shell prefixes builders put on history commands', () => {
    expect(cleanCreatedBy('/bin/sh -c #(nop)  CMD ["node" "server.js"]')).toBe('CMD ["node" "server.js"]');
    expect(cleanCreatedBy('/bin/sh -c apt-get update')).toBe('RUN apt-get update');
    expect(cleanCreatedBy('RUN /bin/sh -c npm ci --omit=dev # buildkit')).toBe('RUN /bin/sh -c npm ci --omit=dev');
    expect(cleanCreatedBy(null)).toBe('');
  });

  it('links a source revision on the forges people use, and nothing it cannot browse', () => {
    expect(revisionUrl('https://github.com/acme/api', 'b'.repeat(40))).toBe(`https://github.com/acme/api/commit/${'b'.repeat(40)}`);
    expect(revisionUrl('https://github.com/acme/api.git#refs/heads/main', 'abc')).toBe('https://github.com/acme/api/commit/abc');
    expect(revisionUrl('git@github.com:acme/api.git', 'abc')).toBe('https://github.com/acme/api/commit/abc');
    expect(revisionUrl('https://gitlab.example.com/acme/api', 'abc')).toBe('https://gitlab.example.com/acme/api/-/commit/abc');
    expect(revisionUrl('https://bitbucket.org/acme/api', 'abc')).toBe('https://bitbucket.org/acme/api/commits/abc');
    expect(revisionUrl('https://github.com/acme/api', null)).toBe('https://github.com/acme/api');
    expect(revisionUrl('file:///srv/repo', 'abc')).toBeNull();
    expect(revisionUrl('not a url', 'abc')).toBeNull();
    expect(revisionUrl(null, 'abc')).toBeNull();
  });
});
