// WWW-Authenticate parsing and scope strings.
import { describe, expect, it } from 'vitest';
import { basicAuthorization, parseChallenges, repositoryScope } from './auth.ts';

describe('parseChallenges', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['basic realm=harbor', [{ scheme: 'basic', params: { realm: 'harbor' } }]],
    [
      'Bearer realm="https://r.example/token", service="r", error="insufficient_scope", Basic realm="x"',
      [
        { scheme: 'bearer', params: { realm: 'https://r.example/token', service: 'r', error: 'insufficient_scope' } },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    ['Bearer realm="a \\"quoted\\" realm, with comma"', [{ scheme: 'bearer', params: { realm: 'a "quoted" realm, with comma' } }]],
    ['Bearer   realm = "spaced" ,scope="repository:a/b:pull,push"', [{ scheme: 'bearer', params: { realm: 'spaced', scope: 'repository:a/b:pull,push' } }]],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });
});

describe('helpers', () => {
  it('builds scopes and Basic headers', () => {
    expect(repositoryScope('library/alpine', ['pull', 'push'])).toBe('repository:library/alpine:pull,push');
    expect(basicAuthorization('user', 'pa:ss')).toBe(`Basic ${Buffer.from('user:pa:ss').toString('base64')}`);
  });
});
