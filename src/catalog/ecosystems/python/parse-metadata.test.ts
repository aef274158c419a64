// Tests for installed-package metadata: headers, authors, licences, RECORD sizes and the files beside METADATA.
import { describe, expect, it } from 'vitest';
import { parseHeaders, parseMetadata, parseRecord, people, unconditionalRequires } from './parse-metadata.ts';
import { testContext } from './test-context.ts';

const SITE = '/usr/local/lib/python3.12/site-packages';

const WHEEL = `Metadata-Version: 2.4
Name: Typing_Extensions
Version: 4.12.2
Summary: Backported type hints
Author-email: "Guido van Rossum, Jukka Lehtosalo" <guido@python.org>, Other Person <other@example.org>
Maintainer-email: Python Typing <typing@python.org>
License-Expression: PSF-2.0
License-File: LICENSE
Classifier: License :: OSI Approved :: MIT License
Requires-Python: >=3.8
Requires-Dist: requests (>=2.0)
Requires-Dist: colorama ; sys_platform == "win32"
Requires-Dist: pytest ; extra == "test"
Requires-Dist: Requests[socks]>=2

Long description: with a colon.
`;

describe('parseMetadata', () => {
  it('reads a wheel METADATA with RECORD, INSTALLER and direct_url.json beside it', async () => {
    const dir = `${SITE}/typing_extensions-4.12.2.dist-info`;
    const ctx = testContext(`${dir}/METADATA`, {
      [`${dir}/RECORD`]: 'typing_extensions.py,sha256=abc,134451\n"odd,name.py",sha256=def,10\ntyping_extensions-4.12.2.dist-info/RECORD,,\n',
      [`${dir}/INSTALLER`]: 'pip\n',
      [`${dir}/direct_url.json`]: '{"url": "file:///src/te", "dir_info": {"editable": true}}',
    });
    const [pkg, ...rest] = await parseMetadata(Buffer.from(WHEEL), ctx);
    expect(rest).toEqual([]);
    expect(pkg).toMatchObject({
      type: 'pypi',
      namespace: null,
      name: 'Typing_Extensions',
      version: '4.12.2',
      purl: 'pkg:pypi/typing-extensions@4.12.2',
      authors: ['"Guido van Rossum, Jukka Lehtosalo" <guido@python.org>', 'Other Person <other@example.org>'],
      description: 'Backported type hints',
      licenses: 'PSF-2.0',
      size: 134461,
      locations: [{ path: `${dir}/METADATA`, layerDigest: 'sha256:abc' }],
      direct: null,
      dependsOn: ['requests', 'colorama'],
      foundBy: 'python-test@1',
      source: null,
      arch: null,
    });
    expect(pkg?.metadata).toMatchObject({
      format: 'wheel',
      metadataVersion: '2.4',
      files: 3,
      installer: 'pip',
      directUrl: { url: 'file:///src/te', editable: true },
      licenseFiles: ['LICENSE'],
      requiresPython: '>=3.8',
      maintainers: ['Python Typing <typing@python.org>'],
    });
  });

  it('falls back to the directory name and reads requires.txt of an egg-info directory', async () => {
    const dir = `${SITE}/foo_bar-1.0-py3.12.egg-info`;
    const ctx = testContext(`${dir}/PKG-INFO`, {
      [`${dir}/requires.txt`]: 'six>=1.0\n\n[:python_version < "3.8"]\nimportlib-metadata\n\n[test]\npytest\n',
    });
    const [pkg] = await parseMetadata(Buffer.from('Metadata-Version: 1.0\nSummary: x\nLicense: Apache 2.0\nAuthor: Someone\n'), ctx);
    expect(pkg).toMatchObject({ name: 'foo_bar', version: '1.0', purl: 'pkg:pypi/foo-bar@1.0', licenses: 'Apache-2.0', authors: ['Someone'] });
    expect(pkg?.dependsOn).toEqual(['six', 'importlib-metadata']);
    expect(pkg?.size).toBeNull();
    expect(pkg?.metadata.format).toBe('egg');
  });

  it('reads a single-file egg-info without looking for siblings', async () => {
    const ctx = testContext(`${SITE}/distro-1.9.0.egg-info`);
    const [pkg] = await parseMetadata(Buffer.from('Metadata-Version: 1.1\nName: distro\nVersion: 1.9.0\nLicense: UNKNOWN\n'), ctx);
    expect(pkg).toMatchObject({ name: 'distro', version: '1.9.0', licenses: 'NOASSERTION' });
  });

  it('skips a file with neither a name nor a version', async () => {
    expect(await parseMetadata(Buffer.from('garbage\n\x00\x01'), testContext('/x/METADATA'))).toEqual([]);
  });
});

describe('licences', () => {
  const lic = async (headers: string): Promise<string | undefined> =>
    (await parseMetadata(Buffer.from(`Name: p\nVersion: 1\n${headers}`), testContext('/p-1.dist-info/METADATA')))[0]?.licenses;

  it('prefers a mappable License field, then classifiers, then the corrected free text', async () => {
    expect(await lic('License: MIT\nClassifier: License :: OSI Approved :: BSD License\n')).toBe('MIT');
    expect(await lic('License: Eclipse Public License v2.0\n')).toBe('EPL-2.0');
    expect(await lic('License: Python license\nClassifier: License :: OSI Approved :: Python Software Foundation License\n')).toBe('PSF-2.0');
    expect(await lic('License: Apache License, Version 2.0\n')).toBe('Apache-2.0');
    expect(await lic('Classifier: License :: OSI Approved :: BSD License\n')).toBe('LicenseRef-BSD-License');
    expect(await lic('License: BSD License\n')).toBe('LicenseRef-BSD-License');
    expect(await lic('Classifier: License :: OSI Approved\n')).toBe('NOASSERTION');
    expect(await lic(`License: ${'Permission is hereby granted '.repeat(10)}\n`)).toBe('NOASSERTION');
  });
});

describe('helpers', () => {
  it('parses continuation lines and stops at the body', () => {
    const { headers, body } = parseHeaders('Name: a\nDescription: one\n        two\n\nBody: text\n');
    expect(headers.get('description')).toEqual(['one\ntwo']);
    expect(headers.has('body')).toBe(false);
    expect(body).toBe('Body: text\n');
  });

  it('pairs a lone email with the author name', () => {
    expect(people('Ann', 'ann@example.org')).toEqual(['Ann <ann@example.org>']);
    expect(people('Ann', null)).toEqual(['Ann']);
    expect(people(null, null)).toEqual([]);
  });

  it('sums RECORD sizes and counts files', () => {
    expect(parseRecord('a.py,sha256=x,10\nb.pyc,,\n\nc,sha256=y,5\n')).toEqual({ count: 3, size: 15 });
  });

  it('keeps only requires.txt lines that apply without extras', () => {
    expect(unconditionalRequires('a\n[b]\nc\n[:sys_platform=="win32"]\nd\n[e:python_version<"3"]\nf\n')).toEqual(['a', 'd']);
  });
});
