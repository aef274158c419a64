// Tests for requirements files: what pins a package and what does not.
import { describe, expect, it } from 'vitest';
import { logicalLines, parseRequirements } from './parse-requirements.ts';
import { testContext } from './test-context.ts';

const parse = (text: string | Buffer) =>
  parseRequirements(typeof text === 'string' ? Buffer.from(text) : text, testContext('/app/requirements.txt')).map((p) => `${p.name}@${p.version}`);

describe('parseRequirements', () => {
  it('keeps exact pins only', () => {
    expect(parse('a==1.0\nb>=2\nc~=3.1\nd==4.*\ne===5.0-local\nf\ng==1.0,!=1.1\nh!=2,==2.5\n')).toEqual(['a@1.0', 'e@5.0-local', 'g@1.0', 'h@2.5']);
  });

  it('handles extras, markers, hashes, continuations and comments', () => {
    const text = [
      '# header',
      'Django[argon2,bcrypt] == 4.2.1 ; python_version >= "3.8"  # pinned',
      'six==1.16.0 \\',
      '    --hash=sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926 \\',
      '    --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254',
      'zope.interface==6.0',
    ].join('\n');
    const pkgs = parseRequirements(Buffer.from(text), testContext('/app/requirements.txt'));
    expect(pkgs.map((p) => [p.name, p.version, p.purl])).toEqual([
      ['Django', '4.2.1', 'pkg:pypi/django@4.2.1'],
      ['six', '1.16.0', 'pkg:pypi/six@1.16.0'],
      ['zope.interface', '6.0', 'pkg:pypi/zope-interface@6.0'],
    ]);
    expect(pkgs[0]?.metadata).toEqual({ extras: ['argon2', 'bcrypt'], marker: 'python_version >= "3.8"' });
    expect(pkgs[0]?.direct).toBeNull();
  });

  it('skips options, includes, editables, URLs and templates', () => {
    const text = [
      '-r base.txt',
      '-c constraints.txt',
      '--index-url https://example.org/simple',
      '-e git+https://github.com/x/y.git#egg=y',
      'pkg @ https://example.org/pkg-1.0.tar.gz',
      'git+https://github.com/x/z.git@v1.0#egg=z==1.0',
      'name=={{ version }}',
      'other==${VERSION}',
      'ok==2.0',
    ].join('\n');
    expect(parse(text)).toEqual(['ok@2.0']);
  });

  it('reads UTF-16 files by their byte-order mark and lists a repeated pin once', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('attrs==20.3.0\r\nattrs==20.3.0\r\n', 'utf16le')]);
    expect(parse(utf16)).toEqual(['attrs@20.3.0']);
  });

  it('joins continuation lines', () => {
    expect(logicalLines('a \\\n  ==1.0\n#x\n\nb==2 # c\n')).toEqual(['a    ==1.0', 'b==2']);
  });
});
