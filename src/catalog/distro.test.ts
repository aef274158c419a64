// Tests for os-release parsing on real distributions' files and for the /etc then /usr/lib lookup.
import { describe, expect, it } from 'vitest';
import { SextantError, isSextantError } from '../core/errors.ts';
import type { FileResolver } from '../layerfs/types.ts';
import { parseOsRelease, readOsRelease } from './distro.ts';

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

const ALPINE_3_20 = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.3
PRETTY_NAME="Alpine Linux v3.20"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`;

const UBUNTU_24_04 = `PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`;

const UBI_9 = `NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"
BUG_REPORT_URL="https://issues.redhat.com/"

REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_BUGZILLA_PRODUCT_VERSION=9.4
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
`;

const DISTROLESS_DEBIAN_12 = `PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="12"
VERSION="Debian GNU/Linux 12 (bookworm)"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"
BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"
`;

const WOLFI = `ID=wolfi
NAME="Wolfi"
PRETTY_NAME="Wolfi"
VERSION_ID="20230201"
HOME_URL="https://wolfi.dev"
`;

describe('parseOsRelease', () => {
  it.each([
    ['Debian 12', DEBIAN_12, { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', name: 'Debian GNU/Linux', versionCodename: 'bookworm', idLike: [] }],
    ['Alpine 3.20', ALPINE_3_20, { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20', name: 'Alpine Linux', versionCodename: null, idLike: [] }],
    ['Ubuntu 24.04', UBUNTU_24_04, { id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS', name: 'Ubuntu', versionCodename: 'noble', idLike: ['debian'] }],
    ['UBI 9', UBI_9, { id: 'rhel', versionId: '9.4', prettyName: 'Red Hat Enterprise Linux 9.4 (Plow)', name: 'Red Hat Enterprise Linux', versionCodename: null, idLike: ['fedora'] }],
    ['distroless', DISTROLESS_DEBIAN_12, { id: 'debian', versionId: '12', prettyName: 'Distroless', name: 'Debian GNU/Linux', versionCodename: null, idLike: [] }],
    ['Wolfi', WOLFI, { id: 'wolfi', versionId: '20230201', prettyName: 'Wolfi', name: 'Wolfi', versionCodename: null, idLike: [] }],
  ])('reads %s', (_name, text, expected) => {
    expect(parseOsRelease(text, '/etc/os-release')).toEqual({ ...expected, path: '/etc/os-release' });
  });

  it('splits ID_LIKE on any run of blanks', () => {
    expect(parseOsRelease('ID=rocky\nID_LIKE="rhel  centos\tfedora"\n', '/usr/lib/os-release').idLike).toEqual(['rhel', 'centos', 'fedora']);
  });

  it('unescapes backslashes inside double quotes only for the shell-special characters', () => {
    const r = parseOsRelease(String.raw`PRETTY_NAME="Say \"hi\" for \$5 \`now\` \\ done \n"`, '/etc/os-release');
    expect(r.prettyName).toBe('Say "hi" for $5 `now` \\ done \\n');
  });

  it('keeps single-quoted text literal and joins adjacent quoted parts', () => {
    expect(parseOsRelease(String.raw`NAME='It\'s' `, 'p').name).toBe('It\\s');
    expect(parseOsRelease(`NAME='Acme "OS"'`, 'p').name).toBe('Acme "OS"');
    expect(parseOsRelease(`NAME="Acme"' Linux'\\ X`, 'p').name).toBe('Acme Linux X');
  });

  it('ignores comments, blank lines, junk, and text after an unquoted blank', () => {
    const text = '# ID=commented\n\n   \nnot an assignment\n  ID=arch # trailing comment\nVERSION_ID=\n=x\n';
    expect(parseOsRelease(text, 'p')).toEqual({
      id: 'arch',
      versionId: null,
      prettyName: null,
      name: null,
      versionCodename: null,
      idLike: [],
      path: 'p',
    });
  });

  it('takes the last assignment of a key, and tolerates CRLF and an unterminated quote', () => {
    expect(parseOsRelease('ID=first\r\nID=second\r\nNAME="Broken\r\n', 'p')).toMatchObject({ id: 'second', name: 'Broken' });
  });
});

// A test double of the FileResolver interface: only readFile matters to readOsRelease.
function resolverWith(files: Record<string, string | Error>): FileResolver & { reads: string[] } {
  const reads: string[] = [];
  const unused = () => {
    throw new Error('not used by readOsRelease');
  };
  return {
    reads,
    lstat: unused,
    stat: unused,
    realpath: unused,
    glob: unused,
    files: unused,
    readFile(path: string) {
      reads.push(path);
      const content = files[path];
      if (content instanceof Error) return Promise.reject(content);
      return Promise.resolve(content === undefined ? undefined : Buffer.from(content));
    },
  };
}

describe('readOsRelease', () => {
  it('prefers /etc/os-release', async () => {
    const resolver = resolverWith({ '/etc/os-release': DEBIAN_12, '/usr/lib/os-release': ALPINE_3_20 });
    expect(await readOsRelease(resolver)).toMatchObject({ id: 'debian', path: '/etc/os-release' });
    expect(resolver.reads).toEqual(['/etc/os-release']);
  });

  it('falls back to /usr/lib/os-release when /etc/os-release is missing or names nothing', async () => {
    expect(await readOsRelease(resolverWith({ '/usr/lib/os-release': WOLFI }))).toMatchObject({ id: 'wolfi', path: '/usr/lib/os-release' });
    expect(await readOsRelease(resolverWith({ '/etc/os-release': '', '/usr/lib/os-release': UBI_9 }))).toMatchObject({
      id: 'rhel',
      path: '/usr/lib/os-release',
    });
  });

  it('is null when there is no os-release', async () => {
    const resolver = resolverWith({});
    expect(await readOsRelease(resolver)).toBeNull();
    expect(resolver.reads).toEqual(['/etc/os-release', '/usr/lib/os-release']);
  });

  it('lets a symlink loop from the resolver propagate', async () => {
    const loop = new SextantError('SYMLINK_LOOP', 'symlink loop resolving /etc/os-release');
    const err = await readOsRelease(resolverWith({ '/etc/os-release': loop, '/usr/lib/os-release': DEBIAN_12 })).catch((e: unknown) => e);
    expect(err).toBe(loop);
    expect(isSextantError(err, 'SYMLINK_LOOP')).toBe(true);
  });
});
