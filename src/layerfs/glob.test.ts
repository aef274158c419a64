// Tests for glob compilation: `*`, `**`, `?`, classes, braces, anchoring and literal bases.
import { describe, expect, it } from 'vitest';
import { compileGlob, matchGlob } from './glob.ts';

describe('glob', () => {
  it.each([
    ['/etc/*', '/etc/passwd', true],
    ['/etc/*', '/etc/ssl/certs', false],
    ['etc/*', '/etc/passwd', true],
    ['/etc/*.conf', '/etc/.hidden.conf', true],
    ['**/os-release', '/os-release', true],
    ['**/os-release', '/usr/lib/os-release', true],
    ['**/os-release', '/usr/lib/os-release.d', false],
    ['/usr/**/*.so', '/usrlib.so', false],
    ['/usr/**/*.so', '/usr/lib.so', true],
    ['/usr/**/*.so', '/usr/a.so', true],
    ['/usr/**/*.so', '/usr/lib/x86_64/libc.so', true],
    ['/usr/**', '/usr', false],
    ['/usr/**', '/usr/a/b', true],
    ['**', '/anything/at/all', true],
    ['/var/lib/dpkg/status.d/?', '/var/lib/dpkg/status.d/a', true],
    ['/var/lib/dpkg/status.d/?', '/var/lib/dpkg/status.d/ab', false],
    ['/lib/apk/db/installed', '/lib/apk/db/installed', true],
    ['/lib/apk/db/installed', '/lib/apk/db/installedX', false],
    ['**/*.{jar,war,ear}', '/opt/app/x.war', true],
    ['**/*.{jar,war,ear}', '/opt/app/x.zip', false],
    ['**/{package,composer}.json', '/srv/composer.json', true],
    ['/{usr/,}lib/os-release', '/lib/os-release', true],
    ['/{usr/,}lib/os-release', '/usr/lib/os-release', true],
    ['/a/{b,{c,d}}/e', '/a/d/e', true],
    ['/[abc]*', '/bin', true],
    ['/[!abc]*', '/bin', false],
    ['/[!abc]*', '/etc', true],
    ['/file.(1)+', '/file.(1)+', true],
    ['/file.(1)+', '/file.11', false],
    ['/x\\*', '/x*', true],
    ['/x\\*', '/xy', false],
    ['/a/*/c', '/a/b/c', true],
    ['/a/*/c', '/a/b/b/c', false],
    ['/{a}', '/{a}', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });

  it('reports the literal directory under which matches can lie', () => {
    expect(compileGlob('/usr/lib/**/*.so').bases).toEqual([{ base: '/usr/lib', literal: false }]);
    expect(compileGlob('**/x').bases).toEqual([{ base: '/', literal: false }]);
    expect(compileGlob('/etc/os-release').bases).toEqual([{ base: '/etc/os-release', literal: true }]);
    expect(compileGlob('/{etc,usr/lib}/os-release').bases).toEqual([
      { base: '/etc/os-release', literal: true },
      { base: '/usr/lib/os-release', literal: true },
    ]);
  });

  it('refuses patterns that expand explosively', () => {
    expect(() => compileGlob('/{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}')).toThrow(/expands to more than/);
  });
});

describe('glob suffixes', () => {
  it('are the literal endings of every expansion, or null after a trailing wildcard', () => {
    expect(compileGlob('**/*.{jar,war}').suffixes).toEqual(['.jar', '.war']);
    expect(compileGlob('**/os-release').suffixes).toEqual(['/os-release']);
    expect(compileGlob('/usr/**').suffixes).toBeNull();
    expect(compileGlob('/etc/{a,b*}').suffixes).toBeNull();
  });
});
