import { describe, expect, it } from 'vitest';
import { formatRegistryReference, parseReference } from './reference.ts';
import { SextantError } from '../core/errors.ts';

describe('parseReference', () => {
  it.each([
    ['alpine', 'docker.io', 'library/alpine', 'latest', null],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', null],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', null],
    ['ghcr.io/org/app:v1.2', 'ghcr.io', 'org/app', 'v1.2', null],
    ['localhost:5000/app', 'localhost:5000', 'app', 'latest', null],
    ['localhost/app:dev', 'localhost', 'app', 'dev', null],
    ['127.0.0.1:5000/a/b/c:1', '127.0.0.1:5000', 'a/b/c', '1', null],
    ['index.docker.io/library/debian:12', 'docker.io', 'library/debian', '12', null],
    [`alpine@sha256:${'a'.repeat(64)}`, 'docker.io', 'library/alpine', null, `sha256:${'a'.repeat(64)}`],
    [`quay.io/x/y:2@sha256:${'b'.repeat(64)}`, 'quay.io', 'x/y', '2', `sha256:${'b'.repeat(64)}`],
    ['registry://127.0.0.1:5000/app:1', '127.0.0.1:5000', 'app', '1', null],
    ['registry://myhost:5000/app', 'myhost:5000', 'app', 'latest', null],
  ])('%s', (input, registry, repository, tag, digest) => {
    const ref = parseReference(input);
    expect(ref).toMatchObject({ kind: 'registry', registry, repository, tag, digest, original: input });
  });

  it('parses path prefixes', () => {
    expect(parseReference('archive:///tmp/x.tar')).toMatchObject({ kind: 'archive', path: '/tmp/x.tar' });
    expect(parseReference('archive://rel/x.tar')).toMatchObject({ kind: 'archive', path: 'rel/x.tar' });
    expect(parseReference('oci-dir://./layout')).toMatchObject({ kind: 'oci-dir', path: './layout', tag: null });
    expect(parseReference('oci-dir:///a/layout:v2')).toMatchObject({ kind: 'oci-dir', path: '/a/layout', tag: 'v2' });
    expect(parseReference('fs:///srv/root')).toMatchObject({ kind: 'fs', path: '/srv/root' });
    expect(parseReference('sbom://./app.cdx.json')).toMatchObject({ kind: 'sbom', path: './app.cdx.json' });
  });

  it.each(['UPPER/case', 'a//b', 'ftp://x', 'archive://', 'alpine:bad tag', 'alpine@sha256:short', ''])(
    'rejects %j with BAD_REFERENCE',
    (input) => {
      expect(() => parseReference(input)).toThrow(SextantError);
      try {
        parseReference(input);
      } catch (e) {
        expect((e as SextantError).code).toBe('BAD_REFERENCE');
      }
    },
  );

  it('formats canonically', () => {
    const ref = parseReference('alpine:3');
    if (ref.kind !== 'registry') throw new Error('expected registry');
    expect(formatRegistryReference(ref)).toBe('docker.io/library/alpine:3');
  });
});
